package dev.shuttle.websocket.internal.session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The close handshake of one connection (RFC 6455 §7), as one atomic set of facts, so that any
 * thread may close while the reader receives. No I/O: each transition tells the caller whether
 * it was the first to make it, and the caller acts.
 * <pre>
 *   OPEN ──queue close──▶ CLOSE_QUEUED ──writer wrote it──▶ CLOSE_WRITTEN ─┐
 *     └───────────peer's close frame read──▶ CLOSE_RECEIVED ───────────────┴─▶ both: handshake done
 *   any state ──transport gone──▶ TERMINATED (onClose runs once)
 * </pre>
 */
final class CloseState {
    private static final int CLOSE_QUEUED = 1;
    private static final int CLOSE_WRITTEN = 2;
    private static final int CLOSE_RECEIVED = 4;
    private static final int TERMINATED = 8;
    /** Our close was queued before the peer's arrived: we started the handshake. */
    private static final int INITIATED = 16;

    private final AtomicInteger bits = new AtomicInteger();

    /** No close frame queued or received, and the transport is up: data may still be sent. */
    boolean isOpen() {
        return (bits.get() & (CLOSE_QUEUED | CLOSE_RECEIVED | TERMINATED)) == 0;
    }

    /** Claims the right to queue our close frame; true for exactly one caller. */
    boolean queueClose() {
        int before = bits.getAndUpdate(b -> (b & CLOSE_QUEUED) != 0 ? b
                : b | CLOSE_QUEUED | ((b & CLOSE_RECEIVED) == 0 ? INITIATED : 0));
        return (before & CLOSE_QUEUED) == 0;
    }

    /** True when we started the close handshake (our close frame was queued before the peer's arrived). */
    boolean weInitiated() {
        return (bits.get() & INITIATED) != 0;
    }

    boolean closeQueued() {
        return (bits.get() & CLOSE_QUEUED) != 0;
    }

    /** The writer put our close frame on the wire; true when the peer's close had already arrived. */
    boolean closeWritten() {
        return (bits.getAndUpdate(b -> b | CLOSE_WRITTEN) & CLOSE_RECEIVED) != 0;
    }

    /** Records the peer's close frame; false if one was already received (the peer sent two). */
    boolean closeReceived() {
        return set(CLOSE_RECEIVED);
    }

    boolean wasCloseReceived() {
        return (bits.get() & CLOSE_RECEIVED) != 0;
    }

    /** Both close frames crossed: the handshake is complete. */
    boolean handshakeDone() {
        int b = bits.get();
        return (b & CLOSE_WRITTEN) != 0 && (b & CLOSE_RECEIVED) != 0;
    }

    /** Marks the connection finished; true for exactly one caller, who runs onClose. */
    boolean terminate() {
        return set(TERMINATED);
    }

    boolean isTerminated() {
        return (bits.get() & TERMINATED) != 0;
    }

    private boolean set(int bit) {
        return (bits.getAndUpdate(b -> b | bit) & bit) == 0;
    }
}
