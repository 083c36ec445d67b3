package dev.shuttle.examples.chamber;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.HttpResponse;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * websocket-echo-chamber's protocol on Shuttle: chambers by URL under prefixes with their own
 * limits ({@link HallSpec}), the {@code echo} subprotocol, an exact Origin allow-list, and the
 * relay of every message to its targets frame by frame as it arrives (see {@link Member},
 * {@link Inbox}). Each prefix is a {@link dev.shuttle.websocket.hub.Hub} whose rooms are its
 * chambers ({@link Hall}). It runs on the built-in listener.
 * <p>
 * Memory, each connection at most: {@code maxMessageSize} (the engine joins a message's
 * fragments while they are relayed), one frame of up to that size being relayed,
 * HEADERS_MAX_LENGTH of metadata, MAX_QUEUE_DATA plus about 100 bytes for each of
 * MAX_QUEUE_ITEMS + 1 waiting frames, and {@code maxOutbound} plus one frame on its way out.
 * Connections are at most the chambers' capacity (MAX_CHAMBERS × CHAMBER_MAX_CONNECTIONS summed
 * over the prefixes) plus {@link #HANDSHAKE_SLACK} refused or in their handshake; the listener
 * answers 503 beyond.
 */
public final class EchoChamberServer implements AutoCloseable {
    /** The close code for a metadata line longer than HEADERS_MAX_LENGTH (the reference's). */
    public static final int HEADER_TOO_LARGE = 4000;
    /** The subprotocol a client must offer. */
    public static final String PROTOCOL = "echo";
    /** Connections beyond the chambers' capacity: handshakes in progress and those being closed with 1013. */
    static final int HANDSHAKE_SLACK = 256;
    /** The characters the reference accepts in a request target; anything else is a 400. */
    private static final Pattern TARGET = Pattern.compile("[a-zA-Z0-9_\\\\/.?&%+ \\-=~]*");
    private static final String HALL = "echo-chamber.hall";
    private static final String KEY = "echo-chamber.key";

    private final List<Hall> halls;
    private final List<String> origins;
    private final Consumer<String> log;
    private final Listener listener;
    private final WebSocketServer server;

    private EchoChamberServer(Builder b) throws IOException {
        List<Hall> made = new ArrayList<>();
        for (HallSpec spec : b.halls) {
            made.add(new Hall(spec, b.maxOutbound, b.nanoTime, b.log));
            b.log.accept("Echo Chamber bound at " + spec.prefix());
        }
        this.halls = List.copyOf(made);
        this.origins = List.copyOf(b.origins);
        this.log = b.log;
        Options options = Options.builder()
                .compression(Compression.disabled()) // frames are relayed as they are; the reference offers no extension
                .maxMessageSize(b.maxMessageSize)
                .maxFramePayload(b.maxMessageSize)
                // Inbox keeps the queue under maxOutbound itself; this only catches what slips past.
                .maxQueuedBytes(b.maxOutbound + b.maxMessageSize + 64 * 1024)
                .overflowPolicy(OverflowPolicy.CLOSE)
                .build();
        this.server = WebSocketServer.builder()
                .options(options)
                .allowAnyOrigin() // the reference's exact-match list is checked in the hook
                .subprotocols(PROTOCOL)
                .upgradeHook(this::onUpgrade)
                .handler(new Relay())
                .build();
        long capacity = 0;
        for (HallSpec spec : b.halls) {
            capacity += (long) spec.maxChambers() * spec.chamberMaxConnections();
        }
        this.listener = server.listen(ListenerOptions.builder()
                .address(b.address)
                .maxConnections((int) Math.min(100_000, capacity + HANDSHAKE_SLACK))
                .httpHandler(request -> HttpResponse.text(400, "Must Upgrade connection to websocket\n"))
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port listened on (useful after binding port 0). */
    public int port() {
        return listener.address().getPort();
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    /** Closes every member with 1001, as the reference does on SIGINT, then stops listening. Idempotent. */
    @Override
    public void close() {
        server.closeAll(CloseCode.GOING_AWAY, "Shutting down", Duration.ofSeconds(2));
        listener.close();
    }

    /** Chambers open under a prefix now (for tests and logs). */
    int chambers(String prefix) {
        for (Hall hall : halls) {
            if (hall.spec().prefix().equals(prefix)) {
                return hall.chambers();
            }
        }
        return 0;
    }

    /** The reference's checks, in its order: the request target, the subprotocol and prefix (404), the Origin (403). */
    private void onUpgrade(HandshakeRequest request, Map<String, Object> attributes) throws UpgradeRejectedException {
        try {
            check(request, attributes);
        } catch (UpgradeRejectedException e) {
            log.accept("Closed socket " + describe(request.remoteAddress()) + " with " + e.status() + " \"" + e.getMessage() + "\"");
            throw e;
        }
    }

    private void check(HandshakeRequest request, Map<String, Object> attributes) throws UpgradeRejectedException {
        String target = request.query() == null ? request.path() : request.path() + "?" + request.query();
        if (!TARGET.matcher(target).matches()) {
            throw new UpgradeRejectedException(400, "Invalid URL");
        }
        Hall hall = offersEcho(request) ? hallFor(target) : null;
        if (hall == null) {
            throw new UpgradeRejectedException(404, "No handlers found for request");
        }
        if (!origins.isEmpty()) {
            String origin = Objects.requireNonNullElse(request.header("Origin"), "");
            if (!origins.contains(origin)) {
                throw new UpgradeRejectedException(403, "Origin " + origin + " not permitted");
            }
        }
        attributes.put(HALL, hall);
        attributes.put(KEY, target);
    }

    private static boolean offersEcho(HandshakeRequest request) {
        for (String line : request.headers("Sec-WebSocket-Protocol")) {
            for (String token : line.split(",")) {
                if (token.trim().equals(PROTOCOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first hall, in the configured order, whose prefix starts the target. */
    private Hall hallFor(String target) {
        for (Hall hall : halls) {
            if (target.startsWith(hall.spec().prefix())) {
                return hall;
            }
        }
        return null;
    }

    /**
     * Joins on open and relays frames. Leaving needs no callback: the hub takes a connection out
     * of its chamber when it ends, whatever the cause. Callbacks of one connection run on its
     * reader thread.
     */
    private static final class Relay implements WebSocketHandler {
        @Override
        public void onOpen(WebSocket connection) {
            Hall hall = connection.attribute(HALL);
            hall.join(connection.attribute(KEY), connection);
        }

        @Override
        public void onFrame(WebSocket connection, Frame frame) {
            Member member = Member.of(connection);
            if (member != null && connection.isOpen()) {
                member.onFrame(frame);
            }
        }
    }

    /** {@code 127.0.0.1:54321}, as the reference logs a socket. */
    static String describe(WebSocket connection) {
        return describe(connection.remoteAddress());
    }

    private static String describe(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
    }

    /** Builder of {@link EchoChamberServer}; {@link #start()} binds the listener. */
    public static final class Builder {
        /** 64 KiB: the largest message relayed (1009 beyond); see the memory bound above. */
        public static final long DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
        /** 64 KiB: a member whose outbound queue holds more is not reading and is closed with 1008. */
        public static final long DEFAULT_MAX_OUTBOUND = 64 * 1024;

        private InetSocketAddress address = new InetSocketAddress("localhost", 8080);
        private List<HallSpec> halls = HallSpec.REFERENCE_HALLS;
        private List<String> origins = List.of();
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private long maxOutbound = DEFAULT_MAX_OUTBOUND;
        private Consumer<String> log = line -> { };
        private LongSupplier nanoTime = System::nanoTime;

        private Builder() {
        }

        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The prefixes, tried in this order; default {@link HallSpec#REFERENCE_HALLS}. */
        public Builder halls(List<HallSpec> halls) {
            if (halls.isEmpty()) {
                throw new IllegalArgumentException("at least one hall");
            }
            this.halls = List.copyOf(halls);
            return this;
        }

        /** Origins accepted, compared exactly (e.g. {@code file://}); empty, the default, accepts any. */
        public Builder origins(List<String> origins) {
            this.origins = List.copyOf(origins);
            return this;
        }

        public Builder maxMessageSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageSize must be positive: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder maxOutbound(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxOutbound must be 0 or more: " + bytes);
            }
            this.maxOutbound = bytes;
            return this;
        }

        /** Where the reference's log lines go (without timestamps); default nowhere. */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** The clock for "long-lived" in {@code T*}; tests pass their own. */
        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        public EchoChamberServer start() throws IOException {
            return new EchoChamberServer(this);
        }
    }
}
