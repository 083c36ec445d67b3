package dev.shuttle.websocket.spi;

/**
 * Logging from a container's callback (a readiness listener, a completion callback) after it
 * failed one connection. The callback must return to the container normally whatever happens, so
 * the log call itself must not throw: with file descriptors exhausted, even formatting a log
 * record has thrown (loading time-zone data failed). Any throwable from logging is dropped.
 */
public final class Failures {
    private Failures() {
    }

    /**
     * Logs {@code message} and {@code failure} at WARNING; never throws.
     *
     * @param logger where to log
     * @param message what failed
     * @param failure the throwable
     */
    public static void log(System.Logger logger, String message, Throwable failure) {
        try {
            logger.log(System.Logger.Level.WARNING, message, failure);
        } catch (Throwable ignored) {
            // nothing safe is left to do: the connection is failed either way
        }
    }
}
