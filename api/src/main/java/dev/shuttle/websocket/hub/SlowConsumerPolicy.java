package dev.shuttle.websocket.hub;

/**
 * What a {@link Hub} does when a member cannot keep up: its outbound queue holds more than the
 * hub's {@linkplain Hub.Builder#memberQueueLimit member queue limit} when a message for it is
 * published. Every policy keeps memory bounded by that limit per member; they differ in who
 * pays for the slow one.
 */
public final class SlowConsumerPolicy {
    /** The kinds of policy. */
    public enum Kind {
        /** See {@link #DROP}. */
        DROP,
        /** See {@link #BACKPRESSURE}. */
        BACKPRESSURE,
        /** See {@link #BACKPRESSURE_WITH_ERRORS}. */
        BACKPRESSURE_WITH_ERRORS,
        /** See {@link #stochastic(int)}. */
        STOCHASTIC,
        /** See {@link #CLOSE}. */
        CLOSE
    }

    /**
     * The slow member misses the messages that do not fit (wsbroad's default): publishing never
     * waits, the other members are not affected, and each drop is counted in
     * {@link RoomStats#dropped()}. Costs nothing; guarantees nothing to the slow member, and
     * drops come in bursts while it is full.
     */
    public static final SlowConsumerPolicy DROP = new SlowConsumerPolicy(Kind.DROP, 0);

    /**
     * The publisher waits until the member has room: messages are reliable and in order, and the
     * sender is paced by the slowest receiver of its room. With {@link Hub#relay()} the waiting
     * thread is the sender's reader, so it stops reading and TCP slows the sending client down.
     * A member that stops reading altogether holds its publishers until the connection's
     * {@link dev.shuttle.websocket.Options#writeStallTimeout() write-stall timeout} drops it
     * (default 30 s): keep that timeout on with this policy. One stalled member stalls its whole room.
     */
    public static final SlowConsumerPolicy BACKPRESSURE = new SlowConsumerPolicy(Kind.BACKPRESSURE, 0);

    /**
     * {@link #BACKPRESSURE}, and a sender is disconnected (1011) when a receiver of its messages
     * vanished abruptly: a write to it failed, or it ended without a close handshake while
     * messages of that sender could still have been waiting for it. For relays where a lost
     * message must be noticed by its sender (which can then reconnect and resend) rather than
     * go missing silently. Costs a small set of recent senders per member.
     */
    public static final SlowConsumerPolicy BACKPRESSURE_WITH_ERRORS = new SlowConsumerPolicy(Kind.BACKPRESSURE_WITH_ERRORS, 0);

    /**
     * The slow member is closed with 1008 (policy violation) and leaves the room: the others and
     * the publishers are never held up, and a member either gets every message or is told it was
     * dropped. Costs a reconnect for the slow one.
     */
    public static final SlowConsumerPolicy CLOSE = new SlowConsumerPolicy(Kind.CLOSE, 0);

    private final Kind kind;
    private final int queueLength;

    private SlowConsumerPolicy(Kind kind, int queueLength) {
        this.kind = kind;
        this.queueLength = queueLength;
    }

    /**
     * Drops spread out instead of in bursts (wsbroad's {@code --stochastic-queue}): up to the
     * member queue limit messages are queued as under {@link #DROP}; beyond it there is room for
     * {@code qlen} more messages (counted in units of the size of the message being published),
     * and a message that finds {@code n} of them waiting is dropped with probability
     * {@code n / qlen}. A member falling behind so misses an increasing share of messages, one
     * here and there, rather than everything once it is full. A longer queue spreads drops more
     * evenly and adds latency and {@code qlen} messages of memory per slow member.
     *
     * @param qlen the extra queue length, in messages, at which every message is dropped; at least 1
     * @return the policy
     * @throws IllegalArgumentException when {@code qlen} is less than 1
     */
    public static SlowConsumerPolicy stochastic(int qlen) {
        if (qlen < 1) {
            throw new IllegalArgumentException("stochastic queue length must be at least 1: " + qlen);
        }
        return new SlowConsumerPolicy(Kind.STOCHASTIC, qlen);
    }

    /** {@return which policy this is} */
    public Kind kind() {
        return kind;
    }

    /** {@return the queue length of {@link #stochastic(int)}, in messages; 0 for the other policies} */
    public int queueLength() {
        return queueLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlowConsumerPolicy p && p.kind == kind && p.queueLength == queueLength;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + queueLength;
    }

    @Override
    public String toString() {
        return kind == Kind.STOCHASTIC ? "STOCHASTIC(" + queueLength + ")" : kind.name();
    }
}
