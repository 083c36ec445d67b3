package dev.shuttle.websocket;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of a connection, shared by the server and the client. Immutable; start
 * from {@link #defaults()} and change what you need:
 * <pre>{@code
 * Options o = Options.defaults().toBuilder().maxMessageSize(16 << 20).pingInterval(Duration.ofSeconds(30)).build();
 * }</pre>
 * A zero {@link Duration} turns a timer off.
 */
public final class Options {
    /** 1 MiB: the default for one frame's payload and for one whole message (1009 beyond). */
    public static final int DEFAULT_MAX_PAYLOAD = 1 << 20;
    /** 4 MiB of encoded frames waiting to be written per connection (wsbroad's default). */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L << 20;
    /** 8 KiB: the longest opening-handshake request head accepted on every transport (431 beyond). */
    public static final int DEFAULT_MAX_REQUEST_HEAD_BYTES = 8192;

    private static final Options DEFAULTS = new Builder().build();

    private final long maxFramePayload;
    private final long maxMessageSize;
    private final long maxQueuedBytes;
    private final OverflowPolicy overflowPolicy;
    private final Duration blockTimeout;
    private final Duration closeTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final Duration writeStallTimeout;
    private final int maxRequestHeadBytes;
    private final boolean acceptUnmaskedFrames;
    private final boolean keepRequestHeaders;
    private final Compression compression;

    private Options(Builder b) {
        this.maxFramePayload = b.maxFramePayload;
        this.maxMessageSize = b.maxMessageSize;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.overflowPolicy = b.overflowPolicy;
        this.blockTimeout = b.blockTimeout;
        this.closeTimeout = b.closeTimeout;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.idleTimeout = b.idleTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.writeStallTimeout = b.writeStallTimeout;
        this.maxRequestHeadBytes = b.maxRequestHeadBytes;
        this.acceptUnmaskedFrames = b.acceptUnmaskedFrames;
        this.keepRequestHeaders = b.keepRequestHeaders;
        this.compression = b.compression;
    }

    /** {@return the defaults (see each accessor)} */
    public static Options defaults() {
        return DEFAULTS;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder with these options, to change some} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@return largest payload of one received frame; a larger header is refused with 1009 before its payload is read} */
    public long maxFramePayload() {
        return maxFramePayload;
    }

    /** {@return largest received message, all fragments (and, with compression, the inflated size) together; 1009 beyond} */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Bytes that may wait in a connection's outbound queue before {@link #overflowPolicy()}
     * applies: the encoded frames plus about 100 bytes per queued frame for its bookkeeping, so
     * that many tiny messages are bounded by the memory they really take.
     *
     * @return the byte limit of the outbound queue; default 4 MiB
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** {@return what a data write does when the outbound queue is full; default {@link OverflowPolicy#DROP}} */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** {@return how long a write waits for room under {@link OverflowPolicy#BLOCK}; default 5 s} */
    public Duration blockTimeout() {
        return blockTimeout;
    }

    /** {@return how long to wait for the peer's close frame (or, on a client, the server's TCP close) before dropping the connection; default 5 s} */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * Send an automatic ping this often; default 30 s, zero sends none. With {@link #pongTimeout()}
     * it reaps half-open peers (a vanished client whose TCP connection still looks open) within
     * {@code pingInterval + pongTimeout}.
     *
     * @return the keepalive ping interval
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** {@return with a ping interval: an orphan that sends no pong this long after our ping was written is closed with 1001 and dropped; default 30 s} */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /**
     * Close (1001) a connection that received nothing (no data, no pong) for this long; default
     * 5 minutes, zero never does. With the default keepalive a live peer always answers in time.
     *
     * @return the idle timeout
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** {@return how long a peer may take to complete the opening handshake; default 10 s} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * A peer that takes no bytes for this long while we have frames to write (it stopped
     * reading, or its window is shut) is dropped (1006 reported; no close frame can reach it);
     * default 30 s, zero never. Without it a peer that stops reading holds its whole queue
     * ({@link #maxQueuedBytes()}) for as long as it stays connected.
     *
     * @return the write-stall timeout
     */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /**
     * Longest opening-handshake request head (request line, headers, blank line) accepted on
     * every transport; a longer one is refused with 431 before the connection keeps any copy of
     * it; default {@value #DEFAULT_MAX_REQUEST_HEAD_BYTES}. The container's own limit, where an
     * adapter runs, should be set no higher (see the README).
     *
     * @return the request-head limit in bytes
     */
    public int maxRequestHeadBytes() {
        return maxRequestHeadBytes;
    }

    /**
     * Accept client frames without a mask (wsbroad's {@code --accept-unmasked-frames}); default
     * false. RFC 6455 §5.1 requires the server to fail such a connection with 1002, which is the
     * default. Unsafe where browsers can reach the server: masking is what stops a hostile page
     * from making a browser send bytes of its choosing that a transparent proxy on the way would
     * read as HTTP (cache poisoning, RFC 6455 §10.3). Turn it on only for trusted, non-browser
     * clients on a path without such intermediaries; masked frames are still accepted.
     *
     * @return whether unmasked client frames are accepted
     */
    public boolean acceptUnmaskedFrames() {
        return acceptUnmaskedFrames;
    }

    /**
     * Whether a connection keeps every header of its upgrade request for {@code request()};
     * default false: it keeps the method, path, query, remote address and the headers the
     * {@link UpgradeHook} looked at (by name, {@code cookies()} included; all of them if the hook
     * listed {@code headerNames()}). The rest are gone after the handshake, so an idle connection
     * does not carry a copy of its request (a browser's is 0.5-1 KiB). Headers a handler needs
     * after the upgrade are best read in the hook and kept as attributes.
     *
     * @return whether every request header is kept
     */
    public boolean keepRequestHeaders() {
        return keepRequestHeaders;
    }

    /** {@return permessage-deflate (RFC 7692) settings; default {@link Compression#defaults()} (enabled)} */
    public Compression compression() {
        return compression;
    }

    @Override
    public String toString() {
        return "Options[maxFramePayload=" + maxFramePayload + ", maxMessageSize=" + maxMessageSize
                + ", maxQueuedBytes=" + maxQueuedBytes + ", overflowPolicy=" + overflowPolicy
                + ", blockTimeout=" + blockTimeout + ", closeTimeout=" + closeTimeout
                + ", pingInterval=" + pingInterval + ", pongTimeout=" + pongTimeout
                + ", idleTimeout=" + idleTimeout + ", handshakeTimeout=" + handshakeTimeout
                + ", writeStallTimeout=" + writeStallTimeout + ", maxRequestHeadBytes=" + maxRequestHeadBytes
                + ", acceptUnmaskedFrames=" + acceptUnmaskedFrames + ", keepRequestHeaders=" + keepRequestHeaders
                + ", compression=" + compression + "]";
    }

    /** Builder of {@link Options}; every setter checks its argument. */
    public static final class Builder {
        private long maxFramePayload = DEFAULT_MAX_PAYLOAD;
        private long maxMessageSize = DEFAULT_MAX_PAYLOAD;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private OverflowPolicy overflowPolicy = OverflowPolicy.DROP;
        private Duration blockTimeout = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration writeStallTimeout = Duration.ofSeconds(30);
        private int maxRequestHeadBytes = DEFAULT_MAX_REQUEST_HEAD_BYTES;
        private boolean acceptUnmaskedFrames;
        private boolean keepRequestHeaders;
        private Compression compression = Compression.defaults();

        private Builder() {
        }

        private Builder(Options o) {
            maxFramePayload = o.maxFramePayload;
            maxMessageSize = o.maxMessageSize;
            maxQueuedBytes = o.maxQueuedBytes;
            overflowPolicy = o.overflowPolicy;
            blockTimeout = o.blockTimeout;
            closeTimeout = o.closeTimeout;
            pingInterval = o.pingInterval;
            pongTimeout = o.pongTimeout;
            idleTimeout = o.idleTimeout;
            handshakeTimeout = o.handshakeTimeout;
            writeStallTimeout = o.writeStallTimeout;
            maxRequestHeadBytes = o.maxRequestHeadBytes;
            acceptUnmaskedFrames = o.acceptUnmaskedFrames;
            keepRequestHeaders = o.keepRequestHeaders;
            compression = o.compression;
        }

        /**
         * See {@link Options#maxFramePayload()}.
         *
         * @param bytes positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxFramePayload(long bytes) {
            maxFramePayload = positive(bytes, "maxFramePayload");
            return this;
        }

        /**
         * See {@link Options#maxMessageSize()}.
         *
         * @param bytes positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxMessageSize(long bytes) {
            maxMessageSize = positive(bytes, "maxMessageSize");
            return this;
        }

        /**
         * See {@link Options#maxQueuedBytes()}.
         *
         * @param bytes positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxQueuedBytes(long bytes) {
            maxQueuedBytes = positive(bytes, "maxQueuedBytes");
            return this;
        }

        /**
         * See {@link Options#overflowPolicy()}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder overflowPolicy(OverflowPolicy policy) {
            overflowPolicy = Objects.requireNonNull(policy, "overflowPolicy");
            return this;
        }

        /**
         * See {@link Options#blockTimeout()}.
         *
         * @param d not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder blockTimeout(Duration d) {
            blockTimeout = nonNegative(d, "blockTimeout");
            return this;
        }

        /**
         * See {@link Options#closeTimeout()}.
         *
         * @param d not negative; zero waits for nothing
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder closeTimeout(Duration d) {
            closeTimeout = nonNegative(d, "closeTimeout");
            return this;
        }

        /**
         * See {@link Options#pingInterval()}.
         *
         * @param d not negative; zero sends no pings
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder pingInterval(Duration d) {
            pingInterval = nonNegative(d, "pingInterval");
            return this;
        }

        /**
         * See {@link Options#pongTimeout()}.
         *
         * @param d not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder pongTimeout(Duration d) {
            pongTimeout = nonNegative(d, "pongTimeout");
            return this;
        }

        /**
         * See {@link Options#idleTimeout()}.
         *
         * @param d not negative; zero never closes an idle connection
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder idleTimeout(Duration d) {
            idleTimeout = nonNegative(d, "idleTimeout");
            return this;
        }

        /**
         * See {@link Options#handshakeTimeout()}.
         *
         * @param d not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder handshakeTimeout(Duration d) {
            handshakeTimeout = nonNegative(d, "handshakeTimeout");
            return this;
        }

        /**
         * See {@link Options#writeStallTimeout()}.
         *
         * @param d not negative; zero never drops a stalled peer
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder writeStallTimeout(Duration d) {
            writeStallTimeout = nonNegative(d, "writeStallTimeout");
            return this;
        }

        /**
         * See {@link Options#maxRequestHeadBytes()}.
         *
         * @param bytes at least 256
         * @return this builder
         * @throws IllegalArgumentException below 256
         */
        public Builder maxRequestHeadBytes(int bytes) {
            if (bytes < 256) {
                throw new IllegalArgumentException("maxRequestHeadBytes must be at least 256: " + bytes);
            }
            maxRequestHeadBytes = bytes;
            return this;
        }

        /**
         * See {@link Options#acceptUnmaskedFrames()}.
         *
         * @param accept true to accept unmasked client frames
         * @return this builder
         */
        public Builder acceptUnmaskedFrames(boolean accept) {
            acceptUnmaskedFrames = accept;
            return this;
        }

        /**
         * See {@link Options#keepRequestHeaders()}.
         *
         * @param keep whether to keep every request header
         * @return this builder
         */
        public Builder keepRequestHeaders(boolean keep) {
            keepRequestHeaders = keep;
            return this;
        }

        /**
         * See {@link Options#compression()}.
         *
         * @param compression the permessage-deflate settings
         * @return this builder
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** {@return the options} */
        public Options build() {
            return new Options(this);
        }

        private static long positive(long v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + v);
            }
            return v;
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }
    }
}
