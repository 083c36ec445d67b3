package dev.shuttle.websocket.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;

/**
 * jnats' errors and exceptions at DEBUG: the bridge and the history count and log what they
 * lose themselves, so jnats' default (printing to stderr) would only repeat it.
 */
final class DebugErrors implements ErrorListener {
    private final System.Logger log;

    DebugErrors(System.Logger log) {
        this.log = log;
    }

    @Override
    public void errorOccurred(Connection c, String error) {
        log.log(System.Logger.Level.DEBUG, "NATS error: {0}", error);
    }

    @Override
    public void exceptionOccurred(Connection c, Exception e) {
        log.log(System.Logger.Level.DEBUG, "NATS exception: {0}", e.toString());
    }
}
