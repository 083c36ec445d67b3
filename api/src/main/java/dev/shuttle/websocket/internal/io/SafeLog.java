package dev.shuttle.websocket.internal.io;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Logging for the loops that serve many connections (poller, accept, timers): it never throws
 * and never floods.
 * <p>
 * A logger can fail where these loops fail: out of file descriptors, the first log line loads
 * time-zone data and throws an {@code Error}; out of memory, formatting throws. Anything the
 * logger throws is swallowed here, so a loop's failure handling cannot end the loop. A message
 * repeated within {@link #QUIET_NANOS} (a loop failing on every turn) is counted instead of
 * logged, and the next line that gets through says how many were skipped.
 * <p>
 * Pass a constant message: building a string is an allocation that can fail on these paths too;
 * the throwable carries the details.
 */
public final class SafeLog {
    /** One line per message per second at most. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A few recent messages are remembered; a collision only lets a repeat through early. */
    private static final int SLOTS = 64;
    private static final AtomicReferenceArray<Recent> RECENT = new AtomicReferenceArray<>(SLOTS);

    private SafeLog() {
    }

    /** What a slot remembers: the message, when it was last logged, and how many repeats were skipped since. */
    private record Recent(String message, long loggedAt, AtomicLong skipped) {
    }

    /**
     * Logs unless the same message was logged less than a second ago; never throws.
     *
     * @return whether the line was handed to the logger (and the logger did not throw)
     */
    public static boolean log(System.Logger logger, System.Logger.Level level, String message, Throwable error) {
        return log(logger, level, message, error, System.nanoTime());
    }

    /** {@link #log(System.Logger, System.Logger.Level, String, Throwable)} at a given time (tests). */
    static boolean log(System.Logger logger, System.Logger.Level level, String message, Throwable error, long now) {
        try {
            long skipped = admit(message, now);
            if (skipped < 0) {
                return false;
            }
            String line = skipped == 0 ? message : message + " (" + skipped + " similar lines skipped)";
            if (error == null) {
                logger.log(level, line);
            } else {
                logger.log(level, line, error);
            }
            return true;
        } catch (Throwable t) {
            // The logger itself failed (no descriptors, no memory, a broken handler): nothing
            // better to do on a path that must keep running. A VirtualMachineError that really
            // matters will come back on the caller's own work.
            return false;
        }
    }

    /**
     * Loads and initialises this class and what it uses, for a loop to call when it starts: out of
     * file descriptors, even loading a class can fail (from a directory class path each class file
     * needs one), so the failure path must be loaded before it is needed.
     */
    public static void preload() {
        admit(SafeLog.class.getName() + ".preload", System.nanoTime());
        admit(SafeLog.class.getName() + ".preload", System.nanoTime());
    }

    /** -1 to skip this line; otherwise the number of repeats skipped before it. */
    private static long admit(String message, long now) {
        int slot = Math.floorMod(message.hashCode(), SLOTS);
        Recent seen = RECENT.get(slot);
        if (seen != null && seen.message.equals(message) && now - seen.loggedAt < QUIET_NANOS) {
            seen.skipped.incrementAndGet();
            return -1;
        }
        // Losing this race only lets one extra line through.
        RECENT.set(slot, new Recent(message, now, new AtomicLong()));
        return seen != null && seen.message.equals(message) ? seen.skipped.get() : 0;
    }
}
