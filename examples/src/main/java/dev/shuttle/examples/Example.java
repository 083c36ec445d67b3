package dev.shuttle.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

import dev.shuttle.websocket.WebSocketServer;

/**
 * What the examples share: a {@link WebSocketServer} mounted on the built-in listener (or another
 * {@link Mount}) next to a small page at {@code /}, and an idempotent {@link #close()} that stops the example's timers
 * before closing every client with 1001.
 */
public abstract class Example implements AutoCloseable {
    private final AtomicReference<Mount.Running> running = new AtomicReference<>();

    /** The configured server; built once, by the subclass's constructor. */
    public abstract WebSocketServer server();

    /** The page's heading and the sentence under it. */
    abstract String title();

    abstract String explanation();

    /** Starts the example's timers, if any; runs once, after the listener is bound. */
    void startTimers() {
    }

    /** Stops them; runs from {@link #close()}, possibly on the shutdown hook's thread. */
    void stopTimers() {
    }

    /**
     * Binds the built-in listener (port 0 picks a free port; ask the result for it) and starts
     * the timers. One start per instance.
     */
    public final Mount.Running start(InetSocketAddress address) throws IOException {
        return start(Mount.named("builtin"), address);
    }

    /** Serves the example on this mount, then starts the timers. One start per instance. */
    final Mount.Running start(Mount mount, InetSocketAddress address) throws IOException {
        Mount.Running started = mount.start(this, address);
        if (!running.compareAndSet(null, started)) {
            started.close();
            throw new IllegalStateException(getClass().getSimpleName() + " was already started");
        }
        startTimers();
        return started;
    }

    /** Stops the timers first (no tick into a closing connection), then the server. Idempotent. */
    @Override
    public final void close() {
        stopTimers();
        Mount.Running started = running.getAndSet(null);
        if (started != null) {
            started.close();
        }
    }

    /** {@code 127.0.0.1:54321}: shorter than {@link InetSocketAddress#toString()}. */
    static String describe(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host + ":" + address.getPort();
    }
}
