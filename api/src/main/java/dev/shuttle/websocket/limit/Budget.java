package dev.shuttle.websocket.limit;

/**
 * One connection's two token buckets (messages and bytes), refilled lazily from the clock on
 * each take: no timer, no thread, no allocation. Created on the connection's first message, so
 * an idle connection that never sent one costs nothing. The monitor is held for a few
 * arithmetic operations only (no I/O); normally only the connection's reader takes.
 */
final class Budget {
    private double messages;
    private double bytes;
    private long last;
    /** CLOSE was applied: later messages are neither delivered nor counted again. */
    volatile boolean closing;

    Budget(RateLimit limit, long now) {
        this.messages = limit.messageBurst;
        this.bytes = limit.byteBurst;
        this.last = now;
    }

    /** Takes one message of {@code size} bytes if both buckets hold enough; otherwise takes nothing. */
    synchronized boolean tryTake(RateLimit limit, long size, long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            last = now;
            messages = Math.min(limit.messageBurst, messages + elapsed * limit.messagesPerNano);
            bytes = Math.min(limit.byteBurst, bytes + elapsed * limit.bytesPerNano);
        }
        boolean messageOk = limit.messagesPerNano == 0 || messages >= 1;
        boolean bytesOk = limit.bytesPerNano == 0 || bytes >= size;
        if (!messageOk || !bytesOk) {
            return false;
        }
        messages -= 1;
        bytes -= size;
        return true;
    }
}
