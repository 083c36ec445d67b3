package dev.shuttle.websocket.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <li>Instead of waiting, the waiter may {@link #handOver} a callback and leave: the next signal
 * (or {@link #close()}) runs it once, on the signalling thread. So an idle connection needs no
 * parked thread.</li>
 * <li>{@link #close()} from any thread wakes the waiter, and every later {@code await} returns at
 * once: a closed connection never parks anyone.</li>
 * </ul>
 * It keeps no buffer and costs one small object per direction.
 */
public final class Readiness {
    private static final VarHandle SIGNALLED;
    private static final VarHandle CALLBACK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SIGNALLED = l.findVarHandle(Readiness.class, "signalled", boolean.class);
            CALLBACK = l.findVarHandle(Readiness.class, "callback", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Set by signal, taken by await: the waiter's half of the Dekker pair with {@link #waiter} and {@link #callback}. */
    private volatile boolean signalled;
    private volatile Thread waiter;
    /** Run once by the next signal or close instead of unparking a waiter; see {@link #handOver}. */
    private volatile Runnable callback;
    private volatile boolean closed;

    /** An unsignalled, open readiness. */
    public Readiness() {
    }

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
            if (poll()) {
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
            return poll();
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
        return signalled && (boolean) SIGNALLED.getAndSet(this, false);
    }

    /** Forgets a signal given before now (call before arming a one-shot interest whose answer alone counts). */
    public void clear() {
        if (signalled) {
            signalled = false;
        }
    }

    /**
     * The waiter leaves instead of waiting: the next {@link #signal()} or {@link #close()} runs
     * {@code onReady} once, on the thread that signals (so it must not block: start a thread).
     * Returns false, installing nothing, when a signal is already there or the readiness is
     * closed: the caller then goes on itself. After a true answer the caller must not touch what
     * {@code onReady} will use: it may already be running.
     *
     * @param onReady what the next signal or close runs, once, instead of waking a waiter
     * @return whether {@code onReady} was installed
     */
    public boolean handOver(Runnable onReady) {
        callback = onReady;
        // Dekker with signal(): it sets the flag, then reads the callback; we the reverse.
        if (signalled || closed) {
            // Take it back unless a signal took it first (then onReady runs, or ran, there).
            return !CALLBACK.compareAndSet(this, onReady, null);
        }
        return true;
    }

    /** The waited-for condition may hold: wakes the waiter, or the next one. Any thread; never blocks. */
    public void signal() {
        signalled = true;
        if (!runCallback()) {
            unparkWaiter();
        }
    }

    /** Wakes the waiter without a signal, so that it looks at its state again (a timer, a stopped loop). */
    public void wake() {
        unparkWaiter();
    }

    /** Wakes the waiter for good: every later {@link #await} returns at once. Idempotent, any thread. */
    public void close() {
        closed = true;
        if (!runCallback()) {
            unparkWaiter();
        }
    }

    /** {@return whether {@link #close()} was called: waits return at once} */
    public boolean isClosed() {
        return closed;
    }

    /** Runs a handed-over callback once, if there is one; whether it did. */
    private boolean runCallback() {
        Runnable r = callback;
        if (r == null || !CALLBACK.compareAndSet(this, r, null)) {
            return false;
        }
        r.run();
        return true;
    }

    private void unparkWaiter() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
