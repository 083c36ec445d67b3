package dev.shuttle.websocket.limit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/**
 * Limits per remote address: open connections at once, and new connections per second (a token
 * bucket with a burst). Two halves, both needed: the {@link UpgradeHook} refuses an upgrade
 * beyond a limit with 429 and {@code Retry-After}, and {@link #wrap(WebSocketHandler)} counts a
 * connection from {@code onOpen} to {@code onClose} (which the engine runs exactly once each).
 * <pre>{@code
 * AddressLimits limits = AddressLimits.builder().maxConnections(20).maxNewPerSecond(5).burst(10).build();
 * WebSocketServer.builder()
 *     .upgradeHook(limits.then(auth))      // cheap refusals first, then authentication
 *     .handler(limits.wrap(handler))
 * }</pre>
 *
 * <h2>Races and close codes</h2>
 * The hook checks the open count; the connection is counted when it opens. Between the two,
 * other upgrades from the same address may pass the same check: a connection that then finds
 * the address full is closed at once with 1013 (try again later) and counted in
 * {@link #closedOverLimit()}. An accepted upgrade that never opens (the 101 could not be
 * written) was never counted, so nothing leaks.
 *
 * <h2>Bounded memory</h2>
 * One small entry per address with open connections or a bucket still refilling; an entry goes
 * when its count is zero and its bucket full again. At most {@link Builder#maxTrackedAddresses}
 * addresses are tracked by the hook: when the table is full, idle entries are swept (at most once
 * a second) and, if it is still full, an upgrade from a new address gets 503 with
 * {@code Retry-After} ({@link #refusedTableFull()}), so a flood of spoofed addresses (behind a
 * proxy's {@code X-Forwarded-For}, say) cannot grow it. IPv6 addresses are grouped by their /64
 * prefix by default, since one host commonly holds a whole /64.
 * <p>Thread-safe; one instance belongs to one server (or several sharing the same limits).
 */
public final class AddressLimits implements UpgradeHook {
    /** The connection attribute holding the address key this limit counted it under: {@value}. */
    public static final String ADDRESS_ATTRIBUTE = "shuttle.address";
    /** The close reason sent with 1013 when a connection loses the race for the last place: {@value}. */
    public static final String CLOSE_REASON = "too many connections from this address";

    private static final long SWEEP_EVERY = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** The value of {@link #countedAttribute} for a connection closed on open: not counted, not delivered. */
    private static final Object TURNED_AWAY = new Object();

    private final int maxConnections;
    private final double newPerNano;
    private final double burst;
    private final int maxTracked;
    private final int ipv6Prefix;
    private final Function<HandshakeRequest, String> keyFunction;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
    /** Per instance: set while this limit counts the connection, so onClose releases only what onOpen took. */
    private final String countedAttribute;
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder refusedRate = new LongAdder();
    private final LongAdder refusedTableFull = new LongAdder();
    private final LongAdder closedOverLimit = new LongAdder();

    /** Per address; mutated only inside the map's compute for its key (atomic per key). */
    private static final class Entry {
        int open;
        double tokens;
        long last;

        Entry(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }
    }

    private AddressLimits(Builder b) {
        this.maxConnections = b.maxConnections;
        this.newPerNano = b.maxNewPerSecond / 1e9;
        this.burst = b.burst > 0 ? b.burst : Math.max(1, b.maxNewPerSecond);
        this.maxTracked = b.maxTracked;
        this.ipv6Prefix = b.ipv6Prefix;
        this.keyFunction = b.keyFunction;
        this.clock = b.clock;
        this.countedAttribute = "shuttle.addressLimits." + INSTANCES.incrementAndGet();
    }

    /** {@return a builder; set at least one of maxConnections or maxNewPerSecond} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This check, then {@code next} (authentication, a Hub's room check): a refused address
     * costs no token verification.
     *
     * @param next the hook to run after the address passed
     * @return the combined hook
     */
    public UpgradeHook then(UpgradeHook next) {
        Objects.requireNonNull(next, "next");
        return (request, attributes) -> {
            onUpgrade(request, attributes);
            next.onUpgrade(request, attributes);
        };
    }

    /** The outcome of the check of one upgrade, written inside compute. */
    private static final class Check {
        int status;
        boolean rate;
        long retryAfterSeconds = 1;
    }

    @Override
    public void onUpgrade(HandshakeRequest request, Map<String, Object> attributes) throws UpgradeRejectedException {
        String key = keyFunction != null ? Objects.requireNonNull(keyFunction.apply(request), "address key")
                : keyOf(request.remoteAddress());
        long now = clock.getAsLong();
        if (entries.size() >= maxTracked && !entries.containsKey(key)) {
            sweep(now);
        }
        Check check = new Check();
        entries.compute(key, (k, e) -> {
            if (e == null) {
                if (entries.size() >= maxTracked) {
                    check.status = 503;
                    return null;
                }
                e = new Entry(burst, now);
            }
            refill(e, now);
            if (maxConnections > 0 && e.open >= maxConnections) {
                check.status = 429;
            } else if (newPerNano > 0 && e.tokens < 1) {
                check.status = 429;
                check.rate = true;
                check.retryAfterSeconds = Math.max(1, (long) Math.ceil((1 - e.tokens) / newPerNano / 1e9));
            } else if (newPerNano > 0) {
                e.tokens -= 1;
            }
            return idle(e) ? null : e;
        });
        if (check.status == 503) {
            refusedTableFull.increment();
            throw new UpgradeRejectedException(503, "too many clients").header("Retry-After", "1");
        }
        if (check.status == 429) {
            if (check.rate) {
                refusedRate.increment();
                throw new UpgradeRejectedException(429, "too many new connections from this address")
                        .header("Retry-After", Long.toString(check.retryAfterSeconds));
            }
            refusedConnections.increment();
            throw new UpgradeRejectedException(429, CLOSE_REASON).header("Retry-After", "1");
        }
        attributes.put(ADDRESS_ATTRIBUTE, key);
    }

    /**
     * A handler that counts each connection under its address from {@code onOpen} to
     * {@code onClose} and closes one beyond {@link Builder#maxConnections} with 1013. Such a
     * connection never reaches {@code handler}: none of its callbacks run for it, so the
     * application sees no {@code onClose} without its {@code onOpen}. Costs one attribute
     * lookup per callback.
     *
     * @param handler the application's handler
     * @return the counting handler
     */
    public WebSocketHandler wrap(WebSocketHandler handler) {
        return new ForwardingHandler(handler) {
            @Override
            public void onOpen(WebSocket connection) {
                if (admit(connection)) {
                    inner.onOpen(connection);
                }
            }

            @Override
            public void onData(WebSocket connection, boolean isBinary, byte[] data) {
                if (!turnedAway(connection)) {
                    inner.onData(connection, isBinary, data);
                }
            }

            @Override
            public void onPing(WebSocket connection, byte[] payload) {
                if (!turnedAway(connection)) {
                    inner.onPing(connection, payload);
                }
            }

            @Override
            public void onPong(WebSocket connection, byte[] payload) {
                if (!turnedAway(connection)) {
                    inner.onPong(connection, payload);
                }
            }

            @Override
            public void onFrame(WebSocket connection, Frame frame) {
                if (!turnedAway(connection)) {
                    inner.onFrame(connection, frame);
                }
            }

            @Override
            public void onError(WebSocket connection, Throwable error) {
                if (!turnedAway(connection)) {
                    inner.onError(connection, error);
                }
            }

            @Override
            public void onClose(WebSocket connection, int code, String reason, Throwable cause) {
                if (turnedAway(connection)) {
                    return;
                }
                try {
                    release(connection);
                } finally {
                    inner.onClose(connection, code, reason, cause);
                }
            }
        };
    }

    private boolean turnedAway(WebSocket connection) {
        return connection.attribute(countedAttribute) == TURNED_AWAY;
    }

    private boolean admit(WebSocket connection) {
        String key = connection.attribute(ADDRESS_ATTRIBUTE);
        if (key == null) {
            // No hook of ours saw the upgrade (or another instance did): count by the socket's address.
            key = keyOf(connection.remoteAddress());
        }
        long now = clock.getAsLong();
        boolean[] admitted = new boolean[1];
        // Created even with a full table: the upgrade passed, and open connections are bounded
        // by the listener, so the table holds at most maxTracked plus the open connections.
        entries.compute(key, (k, e) -> {
            if (e == null) {
                e = new Entry(burst, now);
            }
            if (maxConnections <= 0 || e.open < maxConnections) {
                e.open++;
                admitted[0] = true;
            }
            return idle(e) ? null : e;
        });
        if (!admitted[0]) {
            connection.attribute(countedAttribute, TURNED_AWAY);
            closedOverLimit.increment();
            connection.close(CloseCode.TRY_AGAIN_LATER, CLOSE_REASON);
            return false;
        }
        connection.attribute(countedAttribute, key);
        return true;
    }

    private void release(WebSocket connection) {
        Object counted = connection.attribute(countedAttribute);
        if (!(counted instanceof String key)) {
            return;
        }
        connection.attribute(countedAttribute, null);
        long now = clock.getAsLong();
        entries.computeIfPresent(key, (k, e) -> {
            e.open--;
            refill(e, now);
            return idle(e) ? null : e;
        });
    }

    private void refill(Entry e, long now) {
        long elapsed = now - e.last;
        if (elapsed > 0) {
            e.last = now;
            e.tokens = Math.min(burst, e.tokens + elapsed * newPerNano);
        }
    }

    /** Nothing to remember: no open connection and a full bucket (a new entry would be the same). */
    private boolean idle(Entry e) {
        return e.open <= 0 && (newPerNano == 0 || e.tokens >= burst);
    }

    /** Drops idle entries; at most once per second, whoever calls. */
    private void sweep(long now) {
        long next = nextSweep.get();
        if (next != Long.MIN_VALUE && now - next < 0) {
            return;
        }
        if (!nextSweep.compareAndSet(next, now + SWEEP_EVERY)) {
            return;
        }
        for (String key : entries.keySet()) {
            entries.computeIfPresent(key, (k, e) -> {
                refill(e, now);
                return idle(e) ? null : e;
            });
        }
    }

    /** The default key: the IP address as text, an IPv6 one cut to its prefix; {@code unix} for UNIX sockets. */
    String keyOf(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString();
        }
        if (ip instanceof Inet6Address && ipv6Prefix < 128) {
            byte[] bytes = ip.getAddress();
            for (int bit = ipv6Prefix; bit < 128; bit++) {
                bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            try {
                return InetAddress.getByAddress(bytes).getHostAddress() + "/" + ipv6Prefix;
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return ip.getHostAddress();
    }

    /**
     * Connections this limit counts as open under an address key.
     *
     * @param key an address key, as in {@link #ADDRESS_ATTRIBUTE}
     * @return the count, 0 for an unknown key
     */
    public int openConnections(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.open;
    }

    /** {@return how many addresses are tracked now} */
    public int trackedAddresses() {
        return entries.size();
    }

    /** {@return upgrades refused with 429 because the address had its maximum of open connections} */
    public long refusedConnections() {
        return refusedConnections.sum();
    }

    /** {@return upgrades refused with 429 because the address opened connections too fast} */
    public long refusedRate() {
        return refusedRate.sum();
    }

    /** {@return upgrades refused with 503 because the table of addresses was full} */
    public long refusedTableFull() {
        return refusedTableFull.sum();
    }

    /** {@return connections closed with 1013 on open: the address's last place was taken meanwhile} */
    public long closedOverLimit() {
        return closedOverLimit.sum();
    }

    /** Builder of {@link AddressLimits}. */
    public static final class Builder {
        private int maxConnections;
        private double maxNewPerSecond;
        private double burst;
        private int maxTracked = 100_000;
        private int ipv6Prefix = 64;
        private Function<HandshakeRequest, String> keyFunction;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        /**
         * Open connections per address at once (0, the default: no limit).
         *
         * @param max the maximum
         * @return this builder
         */
        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnections must be >= 0");
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * New connections (accepted upgrades) per address per second, refilled continuously (0, the default: no limit).
         *
         * @param rate upgrades per second; fractions allowed
         * @return this builder
         */
        public Builder maxNewPerSecond(double rate) {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("maxNewPerSecond must be a finite number >= 0");
            }
            this.maxNewPerSecond = rate;
            return this;
        }

        /**
         * New connections an address may open at once after a quiet time; default one second's worth (at least 1).
         *
         * @param connections the bucket's size
         * @return this builder
         */
        public Builder burst(double connections) {
            if (!(connections >= 1) || Double.isInfinite(connections)) {
                throw new IllegalArgumentException("burst must be a finite number >= 1");
            }
            this.burst = connections;
            return this;
        }

        /**
         * Most addresses tracked at once by the upgrade hook (default 100,000, about 100 bytes each).
         *
         * @param max the maximum
         * @return this builder
         */
        public Builder maxTrackedAddresses(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTrackedAddresses must be positive");
            }
            this.maxTracked = max;
            return this;
        }

        /**
         * How many leading bits of an IPv6 address make one client (default 64; 128: each address).
         *
         * @param bits 1 to 128
         * @return this builder
         */
        public Builder ipv6PrefixLength(int bits) {
            if (bits < 1 || bits > 128) {
                throw new IllegalArgumentException("ipv6PrefixLength must be 1..128");
            }
            this.ipv6Prefix = bits;
            return this;
        }

        /**
         * Which client an upgrade comes from, instead of the TCP peer's address: e.g. the last
         * hop of {@code X-Forwarded-For} that your own proxy appended (a client can write any
         * earlier ones). The key is kept under {@link #ADDRESS_ATTRIBUTE} for the close side.
         *
         * @param key the request's client key, never {@code null}
         * @return this builder
         */
        public Builder addressKey(Function<HandshakeRequest, String> key) {
            this.keyFunction = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Tests: a clock in nanoseconds instead of {@link System#nanoTime()}. */
        Builder clock(LongSupplier nanos) {
            this.clock = nanos;
            return this;
        }

        /**
         * Builds the limits.
         *
         * @return the limits
         * @throws IllegalStateException when neither limit is set
         */
        public AddressLimits build() {
            if (maxConnections == 0 && maxNewPerSecond == 0) {
                throw new IllegalStateException("set maxConnections or maxNewPerSecond");
            }
            return new AddressLimits(this);
        }
    }
}
