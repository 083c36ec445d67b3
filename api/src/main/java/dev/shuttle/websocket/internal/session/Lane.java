package dev.shuttle.websocket.internal.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free multi-producer, single-consumer FIFO of {@link OutFrame}s with no node of its own:
 * producers push onto a stack with one CAS; the consumer (whoever holds the connection's drain
 * flag) takes the whole stack at once and reverses it, so frames come out in the order they were
 * pushed. Empty, it is two null fields: an idle connection holds no node.
 */
final class Lane {
    private static final VarHandle PUSHED;

    static {
        try {
            PUSHED = MethodHandles.lookup().findVarHandle(Lane.class, "pushed", OutFrame.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Newest first; any thread. */
    private volatile OutFrame pushed;
    /** Oldest first; the consumer's own, taken from {@link #pushed}. */
    private OutFrame taken;

    /** Any thread. */
    void push(OutFrame f) {
        OutFrame h;
        do {
            h = pushed;
            f.next = h;
        } while (!PUSHED.compareAndSet(this, h, f));
    }

    /** Consumer: the oldest frame, or null. */
    OutFrame poll() {
        OutFrame f = taken;
        if (f == null) {
            f = takeAll();
            if (f == null) {
                return null;
            }
        }
        taken = f.next;
        f.next = null;
        return f;
    }

    /** Consumer: whether a frame is there. */
    boolean isEmpty() {
        return taken == null && pushed == null;
    }

    /** Any thread: whether producers pushed something the consumer has not taken yet. */
    boolean hasPushed() {
        return pushed != null;
    }

    /** Drops what producers pushed (any thread); the consumer's taken part goes with {@link #clear}. */
    void clearPushed() {
        PUSHED.getAndSet(this, null);
    }

    /** Consumer: drops everything. */
    void clear() {
        taken = null;
        clearPushed();
    }

    private OutFrame takeAll() {
        OutFrame h = (OutFrame) PUSHED.getAndSet(this, null);
        OutFrame reversed = null;
        while (h != null) {
            OutFrame n = h.next;
            h.next = reversed;
            reversed = h;
            h = n;
        }
        return reversed;
    }
}
