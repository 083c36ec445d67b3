package dev.shuttle.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * What the examples share: a {@link WebSocketServer} mounted on the built-in listener (or another
 * server, see {@link Transports}) next to a
 * small page at {@code /}, and an idempotent {@link #close()} that stops the example's timers
 * before closing every client with 1001.
 */
public abstract class Example implements AutoCloseable {
    /** Stops whatever server the example was mounted on (the built-in listener or a {@link Transports} one). */
    private final AtomicReference<Runnable> stopper = new AtomicReference<>();
    private final AtomicBoolean released = new AtomicBoolean();

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
    public final Listener start(InetSocketAddress address) throws IOException {
        ListenerOptions options = ListenerOptions.builder()
                .address(address)
                .httpHandler(Pages.handler(title(), explanation()))
                .build();
        Listener started = server().listen(options);
        mounted(started::close);
        return started;
    }

    /** Mounts the example on the transport's server instead (see {@code --transport}). One start per instance. */
    public final Transports.Running start(Transports.Starter transport, InetSocketAddress address) throws Exception {
        Transports.Running running = transport.start(server(), Pages.handler(title(), explanation()), address);
        mounted(running::close);
        return running;
    }

    private void mounted(Runnable stop) {
        if (!stopper.compareAndSet(null, stop)) {
            stop.run();
            throw new IllegalStateException(getClass().getSimpleName() + " was already started");
        }
        startTimers();
    }

    /** Releases what the example holds beside its server (a broker connection); runs once the server stopped. */
    void stopped() {
    }

    /** Stops the timers first (no tick into a closing connection), then the server, then {@link #stopped()}. Idempotent. */
    @Override
    public final void close() {
        stopTimers();
        Runnable stop = stopper.getAndSet(null);
        if (stop != null) {
            stop.run();
        }
        if (released.compareAndSet(false, true)) {
            stopped();
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
