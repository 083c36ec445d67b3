package dev.shuttle.websocket.internal.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

import dev.shuttle.websocket.CloseCode;

/**
 * The close handshake of one connection (RFC 6455 §7), as one immutable snapshot replaced
 * atomically, so that any thread may close while the reader receives and every reader of the
 * state sees a code together with the fact it belongs to. No I/O: each transition tells the
 * caller whether it was the first to make it, and the caller acts.
 * <pre>
 *   OPEN ──queue close──▶ CLOSE_QUEUED ──writer wrote it──▶ CLOSE_WRITTEN ─┐
 *     └───────────peer's close frame read──▶ CLOSE_RECEIVED ───────────────┴─▶ both: handshake done
 *   any state ──transport gone──▶ TERMINATED (onClose runs once)
 * </pre>
 * A connection makes at most four transitions, so the snapshot's allocation does not matter.
 */
final class CloseState {
    private static final int CLOSE_QUEUED = 1;
    private static final int CLOSE_WRITTEN = 2;
    private static final int CLOSE_RECEIVED = 4;
    private static final int TERMINATED = 8;
    /** Our close was queued before the peer's arrived: we started the handshake. */
    private static final int INITIATED = 16;

    /** The facts and the codes that go with them, never one without the other. */
    private record Snapshot(int bits, int sentCode, String sentReason, int receivedCode, String receivedReason) {
        boolean has(int bit) {
            return (bits & bit) != 0;
        }
    }

    private static final Snapshot OPEN = new Snapshot(0, CloseCode.ABNORMAL, "", CloseCode.ABNORMAL, "");
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CloseState.class, "state", Snapshot.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Replaced by compare-and-set only; a field with a VarHandle, not an AtomicReference: one object less per connection. */
    private volatile Snapshot state = OPEN;

    /** What onClose reports. */
    record Outcome(int code, String reason, boolean clean) {
    }

    /** No close frame queued or received, and the transport is up: data may still be sent. */
    boolean isOpen() {
        return (state.bits & (CLOSE_QUEUED | CLOSE_RECEIVED | TERMINATED)) == 0;
    }

    /** Claims the right to queue our close frame with this code; true for exactly one caller. */
    boolean queueClose(int code, String reason) {
        return transition(CLOSE_QUEUED, s -> new Snapshot(
                s.bits | CLOSE_QUEUED | (s.has(CLOSE_RECEIVED) ? 0 : INITIATED),
                code, reason, s.receivedCode, s.receivedReason));
    }

    /** True when we started the close handshake (our close frame was queued before the peer's arrived). */
    boolean weInitiated() {
        return state.has(INITIATED);
    }

    boolean closeQueued() {
        return state.has(CLOSE_QUEUED);
    }

    /** The writer put our close frame on the wire; true when the peer's close had already arrived. */
    boolean closeWritten() {
        transition(CLOSE_WRITTEN, s -> new Snapshot(s.bits | CLOSE_WRITTEN, s.sentCode, s.sentReason, s.receivedCode, s.receivedReason));
        return state.has(CLOSE_RECEIVED);
    }

    boolean wasCloseWritten() {
        return state.has(CLOSE_WRITTEN);
    }

    /** Records the peer's close frame; false if one was already received (the peer sent two). */
    boolean closeReceived(int code, String reason) {
        return transition(CLOSE_RECEIVED, s -> new Snapshot(s.bits | CLOSE_RECEIVED, s.sentCode, s.sentReason, code, reason));
    }

    boolean wasCloseReceived() {
        return state.has(CLOSE_RECEIVED);
    }

    /** Both close frames crossed: the handshake is complete. */
    boolean handshakeDone() {
        Snapshot s = state;
        return s.has(CLOSE_WRITTEN) && s.has(CLOSE_RECEIVED);
    }

    /** Marks the connection finished; true for exactly one caller, who runs onClose. */
    boolean terminate() {
        return transition(TERMINATED, s -> new Snapshot(s.bits | TERMINATED, s.sentCode, s.sentReason, s.receivedCode, s.receivedReason));
    }

    boolean isTerminated() {
        return state.has(TERMINATED);
    }

    /**
     * The code and reason onClose reports: ours when we started the handshake (a 1002 we sent
     * says more than the peer's echo), the peer's when it did, 1006 when no close frame crossed.
     * Clean means both close frames crossed.
     */
    Outcome outcome() {
        Snapshot s = state;
        boolean clean = s.has(CLOSE_WRITTEN) && s.has(CLOSE_RECEIVED);
        if (s.has(INITIATED)) {
            return new Outcome(s.sentCode, s.sentReason, clean);
        }
        if (s.has(CLOSE_RECEIVED)) {
            return new Outcome(s.receivedCode, s.receivedReason, clean);
        }
        return new Outcome(CloseCode.ABNORMAL, "", false);
    }

    /** Applies {@code next} unless {@code bit} is already set; true for the caller that set it. */
    private boolean transition(int bit, UnaryOperator<Snapshot> next) {
        while (true) {
            Snapshot s = state;
            if (s.has(bit)) {
                return false;
            }
            if (STATE.compareAndSet(this, s, next.apply(s))) {
                return true;
            }
        }
    }
}
