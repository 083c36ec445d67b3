package dev.shuttle.websocket;

/**
 * What a write does when the connection's outbound queue would exceed its byte limit
 * ({@link Options#maxQueuedBytes()}). Control frames (ping, pong, close) are never refused.
 */
public enum OverflowPolicy {
    /** The new message is dropped and counted; the write returns {@link SendResult#DROPPED}. */
    DROP,
    /**
     * The writer waits for room, up to {@link Options#blockTimeout()}; then the message is
     * dropped and the write returns {@link SendResult#TIMED_OUT}. Backpressure for producers
     * that can afford to wait.
     */
    BLOCK,
    /**
     * The slow consumer is closed with 1008: what is still queued is discarded, the close frame
     * goes out at once and the write returns {@link SendResult#CLOSED}.
     */
    CLOSE
}
