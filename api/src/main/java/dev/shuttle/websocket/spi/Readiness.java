package dev.shuttle.websocket.spi;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-off between a transport's waiting thread and whoever learns that it may go on (a
 * selector loop, a container's readiness callback): one per direction of a connection.
 * <p>
 * Threading contract:
 * <ul>
 * <li><b>One waiter at a time</b> calls {@link #await} (the engine's reader for input, the current
 * drainer for output).</li>
 * <li>{@link #signal()} may come from any thread, before or during a wait: a signal is kept until
 * the waiter takes it, so a callback that fires between arming and parking is not lost.</li>
 * <li>{@link #await} parks with {@link LockSupport} and returns on <em>any</em> unpark, as the
 * {@link Transport#awaitReadable} contract requires: the engine unparks its reader to look at its
 * timers. It tells whether a signal was taken; callers re-check their own state either way.</li>
 * <li>{@link #close()} from any thread wakes the waiter, and every later {@code await} returns at
 * once: a closed connection never parks anyone.</li>
 * </ul>
 * It keeps no buffer and costs two fields and a flag per direction.
 */
public final class Readiness {
    /** An unsignalled, open readiness. */
    public Readiness() {
    }

    /** Set by signal, taken by await: the waiter's half of the Dekker pair with {@link #waiter}. */
    private final AtomicBoolean signalled = new AtomicBoolean();
    private volatile Thread waiter;
    private volatile boolean closed;

    /**
     * Parks until a signal, {@link #close()}, any unpark of the calling thread or the timeout;
     * returns at once when a signal is already there or the readiness is closed.
     *
     * @param timeoutNanos the longest wait; 0 or less means no limit
     * @return whether a signal was taken
     */
    public boolean await(long timeoutNanos) {
        // Publish the waiter before looking at the flags: signal() and close() set their flag
        // before reading the waiter, so one side always sees the other.
        waiter = Thread.currentThread();
        try {
            if (signalled.getAndSet(false)) {
                return true;
            }
            if (closed) {
                return false;
            }
            if (timeoutNanos > 0) {
                LockSupport.parkNanos(this, timeoutNanos);
            } else {
                LockSupport.park(this);
            }
            return signalled.getAndSet(false);
        } finally {
            waiter = null;
        }
    }

    /**
     * Takes a pending signal without waiting: whether there was one.
     *
     * @return whether a signal was pending
     */
    public boolean poll() {
        return signalled.getAndSet(false);
    }

    /** Forgets a signal given before now (call before arming a one-shot interest whose answer alone counts). */
    public void clear() {
        signalled.set(false);
    }

    /** The waited-for condition may hold: wakes the waiter, or the next one. Any thread; never blocks. */
    public void signal() {
        signalled.set(true);
        unparkWaiter();
    }

    /** Wakes the waiter without a signal, so that it looks at its state again (a timer, a stopped loop). */
    public void wake() {
        unparkWaiter();
    }

    /** Wakes the waiter for good: every later {@link #await} returns at once. Idempotent, any thread. */
    public void close() {
        closed = true;
        unparkWaiter();
    }

    /** {@return whether {@link #close()} was called: waits return at once} */
    public boolean isClosed() {
        return closed;
    }

    private void unparkWaiter() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
