package dev.shuttle.websocket.internal.io;

/**
 * Logging for the loops that serve every connection (poller, accept, timers): a log call there
 * must never end the loop. Under descriptor exhaustion even a logger can throw (loading
 * time-zone data failed with "Too many open files"), so whatever the logger throws is dropped.
 */
public final class SafeLog {
    private SafeLog() {
    }

    public static void log(System.Logger logger, System.Logger.Level level, String message, Throwable cause) {
        try {
            logger.log(level, message, cause);
        } catch (Throwable ignored) {
            // Nothing sensible is left to do with a failure of the logger itself.
        }
    }
}
