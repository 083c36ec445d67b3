package dev.shuttle.websocket.spi;

import dev.shuttle.websocket.internal.io.SafeLog;

/**
 * Logging for an adapter's container callbacks (a readiness listener, a completion callback)
 * after one failed a connection: the adapters' door to the engine's {@link SafeLog}, the one
 * place where such logging is done. The callback must return to the container normally
 * whatever happens, so the log call never throws (with file descriptors exhausted, even
 * formatting a record has thrown), and a message repeated within a second is counted instead of
 * logged. Pass a constant message: the throwable carries the details.
 */
public final class Failures {
    private Failures() {
    }

    /**
     * Logs {@code message} and {@code failure} at WARNING, at most once a second per message;
     * never throws.
     *
     * @param logger where to log
     * @param message what failed
     * @param failure the throwable
     */
    public static void log(System.Logger logger, String message, Throwable failure) {
        SafeLog.log(logger, System.Logger.Level.WARNING, message, failure);
    }
}
