package dev.shuttle.websocket.limit;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/**
 * A per-connection rate limit on received messages: messages per second and bytes per second,
 * each a token bucket with a burst. A message is admitted when both buckets hold enough
 * (one message, its size in bytes); otherwise the {@link Action} applies and nothing is taken.
 * <pre>{@code
 * RateLimit limit = RateLimit.builder()
 *     .messagesPerSecond(50).burst(100)
 *     .bytesPerSecond(1 << 20)
 *     .onExceeded(Action.CLOSE)              // 1008 policy violation
 *     .build();
 * WebSocketServer.builder().handler(limit.wrap(myHandler));
 * }</pre>
 *
 * <h2>Cost</h2>
 * No timer and no thread: the buckets are refilled from {@link System#nanoTime()} when a message
 * arrives, with no allocation per message. A connection's buckets (one small object and one
 * attribute entry) are created on its first message; a connection that never sends costs
 * nothing. The limit sees whole messages in {@code onData}, so the engine has already read them:
 * it bounds what the application is made to do, while {@code Options.maxMessageSize} bounds
 * what one message may hold. A message larger than the byte burst never fits.
 * <p>Pings are answered by the engine before any handler runs and are not counted here.
 * <p>Thread-safe; one instance may wrap several handlers (their connections share nothing).
 */
public final class RateLimit {
    /** What happens to a message beyond the limit. */
    public enum Action {
        /** Not delivered; counted in {@link #dropped()}. */
        DROP,
        /** Not delivered; the {@link ExceededHandler} runs instead (e.g. a JSON-RPC -32000 error reply); counted in {@link #errors()}. */
        ERROR,
        /** Not delivered; the connection is closed with 1008 (policy violation); counted once per connection in {@link #closed()}. */
        CLOSE
    }

    /** Runs for a message beyond the limit under {@link Action#ERROR}, on the connection's reader. */
    @FunctionalInterface
    public interface ExceededHandler {
        /**
         * A message was refused.
         *
         * @param connection the connection
         * @param isBinary whether the message is binary
         * @param data the refused message
         */
        void onExceeded(WebSocket connection, boolean isBinary, byte[] data);
    }

    /** The close reason sent under {@link Action#CLOSE}: {@value}. */
    public static final String CLOSE_REASON = "rate limit exceeded";

    private static final AtomicLong INSTANCES = new AtomicLong();

    final double messagesPerNano;
    final double messageBurst;
    final double bytesPerNano;
    final double byteBurst;
    private final Action action;
    private final ExceededHandler exceededHandler;
    private final LongSupplier clock;
    /** Per instance, so two limits on one connection keep separate buckets. */
    private final String attribute;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder closed = new LongAdder();

    private RateLimit(Builder b) {
        this.messagesPerNano = b.messagesPerSecond / 1e9;
        this.messageBurst = b.burst > 0 ? b.burst : Math.max(1, b.messagesPerSecond);
        this.bytesPerNano = b.bytesPerSecond / 1e9;
        this.byteBurst = b.byteBurst > 0 ? b.byteBurst : b.bytesPerSecond;
        this.action = b.action;
        this.exceededHandler = b.exceededHandler;
        this.clock = b.clock;
        this.attribute = "shuttle.rateLimit." + INSTANCES.incrementAndGet();
    }

    /** {@return a builder; set at least one of messages or bytes per second} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A handler that applies this limit before {@code handler}'s {@code onData}; every other
     * callback goes straight through.
     *
     * @param handler the application's handler
     * @return the limited handler
     */
    public WebSocketHandler wrap(WebSocketHandler handler) {
        return new ForwardingHandler(handler) {
            @Override
            public void onData(WebSocket connection, boolean isBinary, byte[] data) {
                Budget budget = budget(connection);
                if (budget.closing) {
                    return; // closed for the limit already: what still arrives is not delivered
                }
                if (budget.tryTake(RateLimit.this, data.length, clock.getAsLong())) {
                    inner.onData(connection, isBinary, data);
                } else {
                    exceeded(connection, budget, isBinary, data);
                }
            }
        };
    }

    /**
     * Takes one message of {@code bytes} from the connection's buckets, for code that applies
     * its own action (a router, say) instead of {@link #wrap}. No action is applied and nothing
     * is counted here.
     *
     * @param connection the connection
     * @param bytes the message's size
     * @return true when the message is within the limit (and was taken), false otherwise
     */
    public boolean tryAcquire(WebSocket connection, long bytes) {
        return budget(connection).tryTake(this, bytes, clock.getAsLong());
    }

    /** {@return messages dropped under {@link Action#DROP}} */
    public long dropped() {
        return dropped.sum();
    }

    /** {@return messages handed to the {@link ExceededHandler} under {@link Action#ERROR}} */
    public long errors() {
        return errors.sum();
    }

    /** {@return connections closed with 1008 under {@link Action#CLOSE}} */
    public long closed() {
        return closed.sum();
    }

    /** {@return the action beyond the limit} */
    public Action action() {
        return action;
    }

    private Budget budget(WebSocket connection) {
        Budget budget = connection.attribute(attribute);
        if (budget == null) {
            // Normally only the reader gets here; a racing tryAcquire from elsewhere at worst
            // replaces a fresh budget with another fresh one.
            budget = new Budget(this, clock.getAsLong());
            connection.attribute(attribute, budget);
        }
        return budget;
    }

    private void exceeded(WebSocket connection, Budget budget, boolean isBinary, byte[] data) {
        switch (action) {
            case DROP -> dropped.increment();
            case ERROR -> {
                errors.increment();
                exceededHandler.onExceeded(connection, isBinary, data);
            }
            case CLOSE -> {
                budget.closing = true;
                closed.increment();
                connection.close(CloseCode.POLICY_VIOLATION, CLOSE_REASON);
            }
        }
    }

    /** Builder of {@link RateLimit}. */
    public static final class Builder {
        private double messagesPerSecond;
        private double burst;
        private double bytesPerSecond;
        private double byteBurst;
        private Action action = Action.DROP;
        private ExceededHandler exceededHandler;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        /**
         * Messages per second, refilled continuously (0, the default, means no message limit).
         *
         * @param rate messages per second; fractions allowed (0.5: one every two seconds)
         * @return this builder
         */
        public Builder messagesPerSecond(double rate) {
            this.messagesPerSecond = nonNegative(rate, "messagesPerSecond");
            return this;
        }

        /**
         * How many messages may arrive at once after a quiet time; default one second's worth (at least 1).
         *
         * @param messages the message bucket's size
         * @return this builder
         */
        public Builder burst(double messages) {
            this.burst = positive(messages, "burst");
            return this;
        }

        /**
         * Bytes of messages per second (0, the default, means no byte limit).
         *
         * @param rate bytes per second
         * @return this builder
         */
        public Builder bytesPerSecond(double rate) {
            this.bytesPerSecond = nonNegative(rate, "bytesPerSecond");
            return this;
        }

        /**
         * How many bytes may arrive at once after a quiet time; default one second's worth. A
         * message larger than this never fits: keep it at least {@code Options.maxMessageSize}.
         *
         * @param bytes the byte bucket's size
         * @return this builder
         */
        public Builder byteBurst(double bytes) {
            this.byteBurst = positive(bytes, "byteBurst");
            return this;
        }

        /**
         * What happens beyond the limit: {@link Action#DROP} (the default) or
         * {@link Action#CLOSE}; for {@link Action#ERROR} use {@link #onExceeded(ExceededHandler)}.
         *
         * @param action the action
         * @return this builder
         */
        public Builder onExceeded(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * {@link Action#ERROR}: this handler runs for each message beyond the limit instead of {@code onData}.
         *
         * @param handler the handler, e.g. one sending an error reply
         * @return this builder
         */
        public Builder onExceeded(ExceededHandler handler) {
            this.exceededHandler = Objects.requireNonNull(handler, "handler");
            this.action = Action.ERROR;
            return this;
        }

        /** Tests: a clock in nanoseconds instead of {@link System#nanoTime()}. */
        Builder clock(LongSupplier nanos) {
            this.clock = nanos;
            return this;
        }

        /**
         * Builds the limit.
         *
         * @return the limit
         * @throws IllegalStateException without any rate, or {@link Action#ERROR} without a handler
         */
        public RateLimit build() {
            if (messagesPerSecond == 0 && bytesPerSecond == 0) {
                throw new IllegalStateException("set messagesPerSecond or bytesPerSecond");
            }
            if (action == Action.ERROR && exceededHandler == null) {
                throw new IllegalStateException("Action.ERROR needs onExceeded(ExceededHandler)");
            }
            return new RateLimit(this);
        }

        private static double nonNegative(double v, String what) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(what + " must be a finite number >= 0");
            }
            return v;
        }

        private static double positive(double v, String what) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(what + " must be a finite number > 0");
            }
            return v;
        }
    }
}
