package dev.shuttle.websocket;

/**
 * permessage-deflate (RFC 7692) settings of a connection, part of {@link Options}. Immutable:
 * <pre>{@code
 * Options o = Options.defaults().toBuilder()
 *     .compression(Compression.builder().level(1).lowMemory(true).build())
 *     .build();
 * }</pre>
 * <b>Defaults:</b> enabled, messages under {@value #DEFAULT_THRESHOLD} bytes sent uncompressed,
 * level {@value #DEFAULT_LEVEL}, context takeover allowed.
 * <p>
 * <b>Memory.</b> With context takeover (the default) a connection that exchanged compressed
 * messages keeps one zlib compressor (about 260 KiB of native memory at the default level) and one
 * decompressor (about 40 KiB) until it closes, which buys better compression of many similar
 * small messages. {@link #lowMemory() Low-memory mode} negotiates {@code server_no_context_takeover}
 * (RFC 7692 §7.1.1): every message we send is compressed on its own, with a compressor borrowed
 * from a small shared pool per message, so no connection keeps one. Decompressors are pooled the
 * same way when the peer does not keep its window either: a client in low-memory mode offers
 * {@code client_no_context_takeover}, and a server acknowledges it when offered (it does not add
 * it unasked, because some clients, Jetty's among them, would ignore it). An idle connection that never exchanged a compressed message holds none in either mode
 * (they are created on first use). Inflated messages count against {@link Options#maxMessageSize()}
 * as they inflate, so a "zip bomb" is closed with 1009 without allocating more than that.
 * <p>
 * <b>Server and client.</b> A server with compression enabled accepts the first acceptable
 * {@code permessage-deflate} offer of the client; a client with compression enabled offers it.
 * {@code java.util.zip} compresses only with a 15-bit window, so an offer that limits our
 * compressor's window ({@code server_max_window_bits} below 15 on a server,
 * {@code client_max_window_bits} below 15 on a client) is declined; decompression handles any
 * window size.
 */
public final class Compression {
    /** Messages smaller than this many bytes go uncompressed: deflate gains little there and costs CPU. */
    public static final int DEFAULT_THRESHOLD = 256;
    /** zlib level 6, its own default balance of speed and size. */
    public static final int DEFAULT_LEVEL = 6;

    private static final Compression DEFAULTS = new Builder().build();
    private static final Compression DISABLED = new Builder().enabled(false).build();

    private final boolean enabled;
    private final int threshold;
    private final int level;
    private final boolean lowMemory;

    private Compression(Builder b) {
        this.enabled = b.enabled;
        this.threshold = b.threshold;
        this.level = b.level;
        this.lowMemory = b.lowMemory;
    }

    /** {@return the default settings: enabled, with the values above} */
    public static Compression defaults() {
        return DEFAULTS;
    }

    /** {@return never negotiated: no offer (client), every offer declined (server)} */
    public static Compression disabled() {
        return DISABLED;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder with these settings, to change some} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@return whether permessage-deflate is offered (client) or accepted (server)} */
    public boolean enabled() {
        return enabled;
    }

    /** {@return data messages with fewer payload bytes than this are sent uncompressed (RFC 7692 §6 lets a sender choose per message)} */
    public int threshold() {
        return threshold;
    }

    /** {@return the zlib compression level, 0 (store) .. 9 (smallest)} */
    public int level() {
        return level;
    }

    /**
     * Negotiate no context takeover for what we send (a client also offers it for what it receives),
     * so compressors are pooled and idle connections hold none.
     *
     * @return whether no context takeover is agreed for our compressor, so that deflaters are pooled
     */
    public boolean lowMemory() {
        return lowMemory;
    }

    @Override
    public String toString() {
        return "Compression[enabled=" + enabled + ", threshold=" + threshold + ", level=" + level
                + ", lowMemory=" + lowMemory + "]";
    }

    /** Builder of {@link Compression}; every setter checks its argument. */
    public static final class Builder {
        private boolean enabled = true;
        private int threshold = DEFAULT_THRESHOLD;
        private int level = DEFAULT_LEVEL;
        private boolean lowMemory;

        private Builder() {
        }

        private Builder(Compression c) {
            enabled = c.enabled;
            threshold = c.threshold;
            level = c.level;
            lowMemory = c.lowMemory;
        }

        /**
         * Offer (client) or accept (server) permessage-deflate.
         *
         * @param enabled false never negotiates it
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * 0 compresses every data message, even empty ones.
         *
         * @param bytes data messages with fewer payload bytes are sent plain; default {@value #DEFAULT_THRESHOLD}
         * @return this builder
         * @throws IllegalArgumentException for a negative value
         */
        public Builder threshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must not be negative: " + bytes);
            }
            this.threshold = bytes;
            return this;
        }

        /**
         * The zlib level.
         *
         * @param level 0 (store) .. 9 (smallest); default {@value #DEFAULT_LEVEL}
         * @return this builder
         * @throws IllegalArgumentException outside 0..9
         */
        public Builder level(int level) {
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("level must be 0..9: " + level);
            }
            this.level = level;
            return this;
        }

        /**
         * Agree no context takeover for our compressor, so that its deflater is pooled between messages: about 7 KiB instead of about 127 KiB per idle connection that has sent compressed data, for a lower ratio.
         *
         * @param lowMemory true to pool
         * @return this builder
         */
        public Builder lowMemory(boolean lowMemory) {
            this.lowMemory = lowMemory;
            return this;
        }

        /** {@return the settings} */
        public Compression build() {
            return new Compression(this);
        }
    }
}
