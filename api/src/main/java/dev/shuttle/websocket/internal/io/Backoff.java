package dev.shuttle.websocket.internal.io;

import java.util.concurrent.locks.LockSupport;

/**
 * An exponential pause for a loop whose step keeps failing (accept out of descriptors, a broken
 * selector): doubling from a first pause up to a ceiling, back to nothing after a success. One
 * owner thread; not thread-safe.
 */
public final class Backoff {
    private final long firstNanos;
    private final long maxNanos;
    private long nextNanos;

    public Backoff(long firstNanos, long maxNanos) {
        if (firstNanos <= 0 || maxNanos < firstNanos) {
            throw new IllegalArgumentException("backoff " + firstNanos + ".." + maxNanos);
        }
        this.firstNanos = firstNanos;
        this.maxNanos = maxNanos;
    }

    /** Parks for the current pause (an unpark or an interrupt ends it early) and doubles the next one. */
    public void pause() {
        long pause = nextNanos == 0 ? firstNanos : nextNanos;
        nextNanos = Math.min(maxNanos, pause * 2);
        LockSupport.parkNanos(this, pause);
    }

    /** The step worked: the next failure starts from the first pause again. */
    public void reset() {
        nextNanos = 0;
    }

    /** The pause the next {@link #pause()} would take, in nanoseconds. */
    public long nextPauseNanos() {
        return nextNanos == 0 ? firstNanos : nextNanos;
    }
}
