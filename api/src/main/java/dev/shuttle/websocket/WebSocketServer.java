package dev.shuttle.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.internal.handshake.Handshake;
import dev.shuttle.websocket.internal.deflate.DeflateNegotiation;
import dev.shuttle.websocket.internal.deflate.DeflateParams;
import dev.shuttle.websocket.internal.handshake.HandshakeRefusal;
import dev.shuttle.websocket.internal.handshake.KeptRequest;
import dev.shuttle.websocket.internal.io.SafeLog;
import dev.shuttle.websocket.internal.metrics.MetricsAccess;
import dev.shuttle.websocket.internal.metrics.MetricsCounters;
import dev.shuttle.websocket.internal.session.Connection;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.spi.Transport;
import dev.shuttle.websocket.spi.Upgrade;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * A WebSocket server: callbacks, options and the upgrade decision. It owns no socket; it is
 * mounted on an HTTP server through an adapter, or on the built-in listener with {@link #listen}.
 * <pre>{@code
 * WebSocketServer ws = WebSocketServer.builder()
 *     .onData((c, isBinary, data) -> c.write(data))
 *     .build();
 * ws.listen(8080);
 * }</pre>
 * Every adapter calls {@link #upgrade(HandshakeRequest)} and, on a 101, {@link Upgrade#start}.
 */
public final class WebSocketServer {
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());

    private final WebSocketHandler handler;
    private final Options options;
    private final List<String> allowedOrigins;
    private final boolean anyOrigin;
    private final List<String> subprotocols;
    private final UpgradeHook upgradeHook;
    private final ShuttleMetrics metrics;
    /** The engine's side of {@link #metrics}, or null: every count is one null check. */
    private final MetricsCounters counters;
    private final Set<WebSocket> connections = ConcurrentHashMap.newKeySet();
    private final Set<WebSocket> connectionsView = Collections.unmodifiableSet(connections);
    /** One for all connections (a method reference per connection would cost each of them an object). */
    private final java.util.function.Consumer<Connection> forget = connections::remove;

    private WebSocketServer(Builder b) {
        this.handler = b.builtHandler();
        this.options = b.builtOptions();
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.anyOrigin = b.anyOrigin;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.upgradeHook = b.upgradeHook;
        this.metrics = b.metrics;
        this.counters = MetricsAccess.counters(b.metrics);
        if (counters != null) {
            counters.attach(this);
        }
    }

    /** {@return a builder: callbacks, options, origins, subprotocols, the upgrade hook} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the options of every connection of this server} */
    public Options options() {
        return options;
    }

    /** {@return the metrics this server counts into ({@link Builder#metrics}), or {@code null} for none} */
    public ShuttleMetrics metrics() {
        return metrics;
    }

    /** {@return the open connections, a live read-only view} */
    public Set<WebSocket> connections() {
        return connectionsView;
    }

    /** Writes one message, encoded once, to every open connection; returns how many queued it. */
    /**
     * Writes one message, encoded once, to every open connection (each connection's overflow policy applies).
     *
     * @param message the message
     * @return how many connections queued it
     */
    public int broadcast(PreparedMessage message) {
        int queued = 0;
        for (WebSocket c : connections) {
            if (c.write(message).isQueued()) {
                queued++;
            }
        }
        return queued;
    }

    /**
     * Decides on an upgrade request: RFC 6455 §4.2.1 checks (400, or 426 for a wrong version),
     * the Origin check (403: same-origin by default, or the allow-list; see
     * {@link Builder#allowedOrigins(Collection)}), subprotocol selection, then the application's
     * {@link UpgradeHook}. Pure apart from the hook; adapters write the answer and start the
     * connection on a 101. Whatever the hook throws, an {@code Error} included, becomes a 500:
     * the adapter then closes the socket and no slot is kept.
     *
     * @param request the upgrade request as the adapter sees it
     * @return the decision: a 101 to start, or a refusal to send
     */
    public Upgrade upgrade(HandshakeRequest request) {
        Objects.requireNonNull(request, "request");
        Upgrade decision = decide(request);
        if (counters != null) {
            counters.handshake(decision.status());
        }
        return decision;
    }

    private Upgrade decide(HandshakeRequest request) {
        HandshakeRefusal refusal = Handshake.validate(request);
        if (refusal != null) {
            return new Refused(refusal.status(), refusal.headers(), refusal.reason());
        }
        if (!anyOrigin && !Handshake.originAllowed(request.header("Origin"), request.header("Host"), allowedOrigins)) {
            return new Refused(403, Map.of(), "origin not allowed");
        }
        String subprotocol = Handshake.selectSubprotocol(request, subprotocols);
        Map<String, Object> attributes = new LinkedHashMap<>();
        KeptRequest.Recorder seen = new KeptRequest.Recorder(request);
        if (upgradeHook != null) {
            Map<String, Object> hookAttributes = new LinkedHashMap<>();
            try {
                upgradeHook.onUpgrade(seen, hookAttributes);
            } catch (UpgradeRejectedException e) {
                return new Refused(e.status(), e.headers(), e.getMessage() == null ? "" : e.getMessage());
            } catch (Throwable t) {
                // An Error as well (an assertion, a stack overflow in the application's code):
                // refusing is how the adapter learns to close the socket instead of leaking it.
                SafeLog.log(LOG, System.Logger.Level.WARNING, "upgrade hook failed", t);
                return new Refused(500, Map.of(), "upgrade hook failed");
            }
            hookAttributes.forEach((k, v) -> {
                if (k != null && v != null) {
                    attributes.put(k, v);
                }
            });
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Upgrade", "websocket");
        headers.put("Connection", "Upgrade");
        headers.put("Sec-WebSocket-Accept", Handshake.acceptKey(request.header("Sec-WebSocket-Key")));
        if (subprotocol != null) {
            headers.put("Sec-WebSocket-Protocol", subprotocol);
        }
        // RFC 7692 §5: accept the first permessage-deflate offer we can honour; its answer goes
        // in the 101 and the same parameters configure the connection (no header, no extension).
        DeflateParams deflate = DeflateNegotiation.select(request.headers("Sec-WebSocket-Extensions"), options.compression());
        if (deflate != null) {
            headers.put("Sec-WebSocket-Extensions", deflate.responseHeader());
        }
        // The connection keeps only what the hook looked at (Options.keepRequestHeaders: all).
        HandshakeRequest kept = KeptRequest.of(request, seen, options.keepRequestHeaders());
        return new Accepted(kept, Collections.unmodifiableMap(headers), subprotocol, attributes, deflate);
    }

    /** Starts the built-in listener on a port of every interface. */
    /**
     * Starts the built-in listener on a port of every interface.
     *
     * @param port the port; 0 picks a free one
     * @return the running listener; its close() sends 1001 to every client
     * @throws IOException when the port cannot be bound
     */
    public Listener listen(int port) throws IOException {
        return listen(new InetSocketAddress(port));
    }

    /** Starts the built-in listener on an address. */
    /**
     * Starts the built-in listener on an address.
     *
     * @param address where to listen
     * @return the running listener
     * @throws IOException when the address cannot be bound
     */
    public Listener listen(InetSocketAddress address) throws IOException {
        return listen(ListenerOptions.builder().address(address).build());
    }

    /** Starts the built-in listener with its own options (connection limit, request-head size, a plain HTTP handler). */
    /**
     * Starts the built-in listener with its own options (connection limit, backlog, a plain HTTP handler).
     *
     * @param listenerOptions the listener's options
     * @return the running listener
     * @throws IOException when the address cannot be bound
     */
    public Listener listen(ListenerOptions listenerOptions) throws IOException {
        return Listener.start(this, listenerOptions);
    }

    /**
     * Closes every open connection with the code (1001 for a shutdown) and waits until all are
     * closed or the timeout passes; the rest are aborted. Returns how many had to be aborted.
     *
     * @param code the close code, e.g. {@link CloseCode#GOING_AWAY}
     * @param reason the close reason
     * @param timeout how long to wait for the clients' close frames
     * @return how many connections had to be aborted
     */
    public int closeAll(int code, String reason, Duration timeout) {
        if (counters != null) {
            counters.shuttingDown(); // readiness false before the first 1001: balancers stop sending clients
        }
        List<WebSocket> open = new ArrayList<>(connections);
        for (WebSocket c : open) {
            c.close(code, reason);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (WebSocket c : open) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !((Connection) c).awaitClosed(left, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        int aborted = 0;
        for (WebSocket c : connections) {
            c.abort();
            aborted++;
        }
        return aborted;
    }

    private final class Accepted implements Upgrade {
        private final HandshakeRequest request;
        private final Map<String, String> headers;
        private final String subprotocol;
        private final Map<String, Object> attributes;
        private final DeflateParams deflate;

        Accepted(HandshakeRequest request, Map<String, String> headers, String subprotocol, Map<String, Object> attributes,
                 DeflateParams deflate) {
            this.deflate = deflate;
            this.request = request;
            this.headers = headers;
            this.subprotocol = subprotocol;
            this.attributes = attributes;
        }

        @Override
        public boolean accepted() {
            return true;
        }

        @Override
        public int status() {
            return 101;
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public WebSocket start(Transport transport) {
            Connection c = new Connection(transport, Connection.Role.SERVER, options, handler, request,
                    subprotocol, attributes, forget, deflate, counters);
            connections.add(c);
            if (counters != null) {
                counters.opened();
            }
            try {
                c.start();
            } catch (Throwable t) {
                // No reader thread (out of memory, say): nothing will ever run onClose, so forget it here.
                connections.remove(c);
                throw t;
            }
            return c;
        }
    }

    private record Refused(int status, Map<String, String> headers, String body) implements Upgrade {
        @Override
        public boolean accepted() {
            return false;
        }

        @Override
        public WebSocket start(Transport transport) {
            throw new IllegalStateException("the upgrade was refused with " + status);
        }
    }

    /** Builder of {@link WebSocketServer}. Callbacks left unset do nothing (pings are still answered). */
    public static final class Builder extends EndpointBuilder<Builder> {
        private final List<String> allowedOrigins = new ArrayList<>();
        private final List<String> subprotocols = new ArrayList<>();
        private boolean anyOrigin;
        private UpgradeHook upgradeHook;
        private ShuttleMetrics metrics;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Accept only these origins ({@code scheme://host[:port]}, compared case-insensitively,
         * ignoring a default port 80/443 and a trailing slash; {@code "*"} allows all); requests
         * from other origins get 403.
         * <p>By default (no list) a request is accepted only from its <b>own origin</b>: the
         * Origin's host and port must equal the request's {@code Host} header (case-insensitive;
         * a missing port is the scheme's default, 80 or 443; IPv6 literals in brackets), as
         * gorilla/websocket does. So a page served from the same host and port as the WebSocket
         * connects, and a page on another site gets 403. Behind a reverse proxy that rewrites
         * {@code Host}, either pass the original Host on or list the public origins here. Use
         * {@link #allowAnyOrigin()} to accept every origin.
         * <p>A request <b>without</b> an Origin header is always accepted, with or without a list:
         * browsers always send Origin, so its absence means a non-browser client, which could
         * send any Origin anyway. The list guards against other web pages using a visitor's
         * browser (cross-site WebSocket hijacking); authenticate other clients in the
         * {@link #upgradeHook upgrade hook}. The opaque origin {@code null} (sandboxed frames,
         * {@code file:} pages) passes only when listed as {@code "null"}.
         *
         * @param origins allowed origins
         * @return this builder
         */
        public Builder allowedOrigins(Collection<String> origins) {
            allowedOrigins.addAll(origins);
            return this;
        }

        /**
         * See {@link #allowedOrigins(Collection)}.
         *
         * @param origins allowed origins
         * @return this builder
         */
        public Builder allowedOrigins(String... origins) {
            return allowedOrigins(List.of(origins));
        }

        /**
         * Accept every Origin, also pages of other sites. Only for servers that authenticate
         * without ambient credentials (no cookies, no HTTP authentication, no client
         * certificates): otherwise any web page a visitor opens can use the visitor's session
         * (cross-site WebSocket hijacking). Overrides the same-origin default and any
         * {@link #allowedOrigins(Collection) allow-list}.
         *
         * @return this builder
         */
        public Builder allowAnyOrigin() {
            this.anyOrigin = true;
            return this;
        }

        /** Subprotocols this server speaks, most preferred first; the first one the client also offers is chosen. */
        /**
         * Subprotocols this server speaks, most preferred first; the first one the client also offers is chosen.
         *
         * @param protocols subprotocol tokens
         * @return this builder
         */
        public Builder subprotocols(String... protocols) {
            subprotocols.addAll(List.of(protocols));
            return this;
        }

        /**
         * The application's say on each upgrade: authenticate, attach attributes, or refuse (see {@link UpgradeHook}).
         *
         * @param hook the hook
         * @return this builder
         */
        public Builder upgradeHook(UpgradeHook hook) {
            this.upgradeHook = Objects.requireNonNull(hook, "upgradeHook");
            return this;
        }

        /**
         * Counts this server's handshakes, messages, bytes, drops, close codes and round trips into
         * {@code metrics} and reports its connections there (see {@link ShuttleMetrics}). Without
         * it the engine counts nothing beyond each connection's own {@link WebSocket#stats()}.
         *
         * @param metrics where to count; one per server
         * @return this builder
         */
        public Builder metrics(ShuttleMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** {@return the server; mount it on an adapter or {@link WebSocketServer#listen}} */
        public WebSocketServer build() {
            return new WebSocketServer(this);
        }
    }
}
