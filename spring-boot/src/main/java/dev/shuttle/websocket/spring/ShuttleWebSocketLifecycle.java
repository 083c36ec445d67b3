package dev.shuttle.websocket.spring;

import java.time.Duration;
import java.util.Objects;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import org.springframework.context.SmartLifecycle;

/**
 * Sends 1001 ("server shutting down") to every client when the application context stops, and
 * waits up to the shutdown timeout for them to answer. Its phase is just above Boot's web server
 * graceful shutdown, so it runs first: the clients hear 1001 before the server stops accepting
 * and drops what is left.
 */
public class ShuttleWebSocketLifecycle implements SmartLifecycle {
    /** Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE} + 1: stopped before it. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024 + 1;

    private final WebSocketServer server;
    private final Duration timeout;
    private volatile boolean running;

    /**
     * A lifecycle for one server.
     *
     * @param server the server whose connections are closed
     * @param timeout how long {@link #stop()} waits for the clients' close frames
     */
    public ShuttleWebSocketLifecycle(WebSocketServer server, Duration timeout) {
        this.server = Objects.requireNonNull(server, "server");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes every connection with 1001 and waits up to the timeout; returns when all are closed or it passed. */
    @Override
    public void stop() {
        running = false;
        server.closeAll(CloseCode.GOING_AWAY, "server shutting down", timeout);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
