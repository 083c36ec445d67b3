package dev.shuttle.websocket.internal.session;

import java.util.concurrent.atomic.AtomicInteger;

import dev.shuttle.websocket.CloseCode;

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
    // Written once by the thread that won the matching transition, read when the connection ends.
    private volatile int sentCode = CloseCode.ABNORMAL;
    private volatile String sentReason = "";
    private volatile int receivedCode = CloseCode.ABNORMAL;
    private volatile String receivedReason = "";

    /** What onClose reports. */
    record Outcome(int code, String reason, boolean clean) {
    }

    /** No close frame queued or received, and the transport is up: data may still be sent. */
    boolean isOpen() {
        return (bits.get() & (CLOSE_QUEUED | CLOSE_RECEIVED | TERMINATED)) == 0;
    }

    /** Claims the right to queue our close frame with this code; true for exactly one caller. */
    boolean queueClose(int code, String reason) {
        int before = bits.getAndUpdate(b -> (b & CLOSE_QUEUED) != 0 ? b
                : b | CLOSE_QUEUED | ((b & CLOSE_RECEIVED) == 0 ? INITIATED : 0));
        if ((before & CLOSE_QUEUED) != 0) {
            return false;
        }
        sentCode = code;
        sentReason = reason;
        return true;
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
    boolean closeReceived(int code, String reason) {
        if (!set(CLOSE_RECEIVED)) {
            return false;
        }
        receivedCode = code;
        receivedReason = reason;
        return true;
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

    /**
     * The code and reason onClose reports: ours when we started the handshake (a 1002 we sent
     * says more than the peer's echo), the peer's when it did, 1006 when no close frame crossed.
     * Clean means both close frames crossed.
     */
    Outcome outcome() {
        if (weInitiated()) {
            return new Outcome(sentCode, sentReason, handshakeDone());
        }
        if (wasCloseReceived()) {
            return new Outcome(receivedCode, receivedReason, handshakeDone());
        }
        return new Outcome(CloseCode.ABNORMAL, "", false);
    }

    private boolean set(int bit) {
        return (bits.getAndUpdate(b -> b | bit) & bit) == 0;
    }
}
