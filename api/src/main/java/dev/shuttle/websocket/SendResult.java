package dev.shuttle.websocket;

/** What happened to a message handed to {@link WebSocket#write}. */
public enum SendResult {
    /** Queued; the writer will send it in order. */
    QUEUED,
    /**
     * Not sent: the queue was full and the policy is {@link OverflowPolicy#DROP}; or, for a ping
     * or pong, 64 KiB of control frames were already waiting (a peer that floods us with pings and
     * does not read the answers).
     */
    DROPPED,
    /** The queue stayed full for the whole {@link Options#blockTimeout()}; not sent. */
    TIMED_OUT,
    /** The connection is closing or closed (possibly by {@link OverflowPolicy#CLOSE}); not sent. */
    CLOSED;

    /** {@return true when the message was accepted for sending} */
    public boolean isQueued() {
        return this == QUEUED;
    }
}
