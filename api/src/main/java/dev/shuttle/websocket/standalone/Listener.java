package dev.shuttle.websocket.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.io.Backoff;
import dev.shuttle.websocket.internal.io.Poller;
import dev.shuttle.websocket.internal.io.SafeLog;
import dev.shuttle.websocket.internal.io.SocketChannelTransport;
import dev.shuttle.websocket.internal.session.Connection;

/**
 * The built-in listener: a plain-TCP HTTP/1.1 endpoint on JDK sockets whose only jobs are the
 * WebSocket upgrade and, optionally, a few plain GETs ({@link ListenerOptions#httpHandler()}).
 * <p>
 * One platform thread accepts. Each connection then gets a virtual thread that reads the request
 * head (bounded by the server's {@link dev.shuttle.websocket.Options#maxRequestHeadBytes()} and
 * {@code handshakeTimeout}) and either answers it and closes, or writes the 101 and hands the
 * socket to the WebSocket engine. Sockets are non-blocking; waiting for bytes is parking on a
 * small selector-based poller, so an idle WebSocket holds no read buffer.
 * <p>
 * The accept loop survives anything: a failed accept (typically out of file descriptors) or any
 * throwable while setting up one connection is logged (once per second at most, and a failing
 * logger cannot stop it) and the loop pauses, from 10 ms doubling up to 1 s, then tries again;
 * it serves again as soon as accept works.
 * <pre>{@code
 * try (Listener l = server.listen(ListenerOptions.builder().address(new InetSocketAddress(8080)).build())) {
 *     ...
 * }
 * }</pre>
 */
public final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    /** Refusals (503) lingering at once beyond this are dropped without an answer: refusing must stay cheap. */
    private static final int MAX_REFUSING = 256;
    private static final Duration ACCEPTOR_JOIN = Duration.ofSeconds(5);
    /** Pauses after a failed accept: short enough to resume quickly, long enough not to spin. */
    private static final long ACCEPT_FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long ACCEPT_MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WebSocketServer server;
    private final ListenerOptions options;
    private final ServerSocketChannel serverChannel;
    private final ListenSocket socket;
    /** The bound TCP address, or null on a UNIX domain socket. */
    private final InetSocketAddress address;
    private final Poller poller;
    /**
     * Connections in their handshake; each leaves when it is upgraded or its transport closes.
     * An upgraded one is found in the server's registry instead, marked as ours
     * ({@link Connection#startedBy}), which {@link #close()} closes with 1001: one registry entry
     * per idle connection, not two.
     */
    private final Set<SocketChannelTransport> handshaking = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    /** Every transport's close callback: one object for all (a method reference per connection would cost each one). */
    private final Consumer<SocketChannelTransport> onTransportClosed = this::ended;
    private final AtomicInteger refusing = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread acceptor;
    /** Built once: the accept loop must not need to allocate a message to log a failure. */
    private final String acceptFailed;

    private Listener(WebSocketServer server, ListenerOptions options, ListenSocket socket, Poller poller) {
        this.server = server;
        this.options = options;
        this.socket = socket;
        this.serverChannel = socket.channel();
        this.address = socket.localAddress() instanceof InetSocketAddress inet ? inet : null;
        this.poller = poller;
        this.acceptFailed = "accept failed on " + socket.localAddress() + "; retrying after a pause";
        // The accept loop's failure path, loaded now: out of descriptors, loading a class can fail too.
        SafeLog.preload();
    }

    /**
     * Binds (or takes the given or inherited channel, see {@link ListenerOptions}) and starts
     * accepting; returns once the socket is bound. On failure nothing stays open.
     *
     * @param server the server that decides on each upgrade
     * @param options address, limits and the HTTP handler
     * @return the running listener
     * @throws IOException when binding fails (the message says why: address in use, a socket
     *         file in the way, no inherited socket, ...)
     * @throws UnsupportedOperationException for a socket option this system does not have
     * @throws IllegalArgumentException for options that contradict the address (ipv6Only on IPv4)
     */
    public static Listener start(WebSocketServer server, ListenerOptions options) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        ListenSocket socket = ListenSocket.open(options);
        Poller poller = null;
        try {
            poller = new Poller("shuttle-poller-" + socket.label(), Poller.defaultThreads());
            Listener listener = new Listener(server, options, socket, poller);
            listener.acceptor = Thread.ofPlatform().daemon().name("shuttle-accept-" + socket.label())
                    .start(listener::acceptLoop);
            LOG.log(System.Logger.Level.DEBUG, "listening on {0}", socket.localAddress());
            return listener;
        } catch (RuntimeException | Error e) {
            if (poller != null) {
                poller.close();
            }
            socket.channel().close();
            throw e;
        }
    }

    /**
     * The bound TCP address (with the real port when 0 was asked), or {@code null} when
     * listening on a UNIX domain socket (see {@link #localAddress()}).
     *
     * @return the bound TCP address, or null
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The bound address: an {@code InetSocketAddress}, or a {@link java.net.UnixDomainSocketAddress}
     * with the socket file's path.
     *
     * @return the bound address
     */
    public SocketAddress localAddress() {
        return socket.localAddress();
    }

    /** {@return the bound TCP port, or -1 on a UNIX domain socket} */
    public int port() {
        return address == null ? -1 : address.getPort();
    }

    /** {@return connections currently held (in handshake or upgraded)} */
    public int connectionCount() {
        return count.get();
    }

    /**
     * Stops accepting, drops connections still in their handshake, closes this listener's
     * WebSockets with 1001 and waits for them up to the server's {@code closeTimeout} (aborting
     * the rest), then stops the poller; idempotent. Connections the same {@link WebSocketServer}
     * serves through other listeners or adapters are left alone.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server.metrics() != null) {
            server.metrics().markNotReady(); // before the first 1001: balancers stop sending clients
        }
        try {
            serverChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the server socket", e);
        }
        Thread a = acceptor;
        if (a != null) {
            LockSupport.unpark(a); // ends a pause after a failed accept
        }
        joinAcceptor();
        // Connections that have not reached 101 cannot get a close frame; the TCP close is their answer.
        for (SocketChannelTransport t : handshaking) {
            if (!t.isUpgraded()) {
                t.close();
            }
        }
        closeUpgraded(server.options().closeTimeout());
        // Anything left (an upgrade that raced with this close) is dropped so no socket outlives us.
        for (SocketChannelTransport t : handshaking) {
            t.close();
        }
        poller.close();
        LOG.log(System.Logger.Level.DEBUG, "listener on {0} closed", socket.localAddress());
    }

    @Override
    public String toString() {
        return "Listener[" + socket.localAddress() + ", connections=" + count.get() + (closed.get() ? ", closed" : "") + "]";
    }

    /** Closes this listener's WebSockets with 1001, waits for their onClose up to the timeout, aborts the rest. */
    private void closeUpgraded(Duration timeout) {
        List<WebSocket> mine = upgraded();
        for (WebSocket ws : mine) {
            ws.close(CloseCode.GOING_AWAY, "server shutting down");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (WebSocket ws : mine) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !(ws instanceof Connection c) || !c.awaitClosed(left, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        for (WebSocket ws : upgraded()) {
            ws.abort();
        }
    }

    private List<WebSocket> upgraded() {
        List<WebSocket> list = new ArrayList<>();
        for (WebSocket ws : server.connections()) {
            if (ws instanceof Connection c && c.startedBy() == this) {
                list.add(ws);
            }
        }
        return list;
    }

    /** The handshake thread handed the transport to the engine: mark it as ours for {@link #close()}. */
    void started(SocketChannelTransport transport, Connection connection) {
        connection.startedBy(this);
        handshaking.remove(transport);
        // close() sets closed, then looks for our connections, then at the handshakes left; we
        // marked ours and left the handshakes, then look at closed: one of us sees the other.
        if (closed.get()) {
            transport.close();
        }
    }

    /** For tests that inject a failure into the poller's handling of a channel. */
    Poller poller() {
        return poller;
    }

    WebSocketServer server() {
        return server;
    }

    ListenerOptions options() {
        return options;
    }

    boolean isClosed() {
        return closed.get();
    }

    private void joinAcceptor() {
        if (acceptor == null || acceptor == Thread.currentThread()) {
            return;
        }
        try {
            // Closing the channel wakes accept(); once the thread is gone no connection can slip in.
            if (!acceptor.join(ACCEPTOR_JOIN)) {
                LOG.log(System.Logger.Level.WARNING, "the accept thread did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        Backoff backoff = new Backoff(ACCEPT_FIRST_PAUSE_NANOS, ACCEPT_MAX_PAUSE_NANOS);
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = serverChannel.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (Throwable t) {
                if (closed.get()) {
                    break;
                }
                // Typically out of file descriptors (the connection waits in the backlog), or out
                // of memory: pause instead of spinning on the same error, then try again.
                SafeLog.log(LOG, System.Logger.Level.WARNING, acceptFailed, t);
                backoff.pause();
                continue;
            }
            try {
                if (!admitted(channel)) {
                    continue;
                }
                onAccepted(channel);
                backoff.reset();
            } catch (Throwable t) {
                // onAccepted released what it took; this only keeps the loop alive.
                SafeLog.log(LOG, System.Logger.Level.ERROR, "setting up an accepted connection failed", t);
                backoff.pause();
            }
        }
    }

    /** Whether the peer may be served (see {@link ListenerOptions#ipv6Only()}); a peer that may not is reset and released. */
    private boolean admitted(SocketChannel channel) {
        try {
            if (socket.admits(channel)) {
                return true;
            }
            ListenSocket.reset(channel);
        } catch (Throwable t) {
            SafeLog.log(LOG, System.Logger.Level.DEBUG, "dropping an accepted connection", t);
            closeQuietly(channel);
        }
        return false;
    }

    /** Takes a slot and starts the connection's thread; on any failure gives back what it took and rethrows. */
    private void onAccepted(SocketChannel channel) {
        if (count.incrementAndGet() > options.maxConnections()) {
            count.decrementAndGet();
            refuse(channel);
            return;
        }
        SocketChannelTransport transport;
        try {
            configure(channel);
            transport = new SocketChannelTransport(channel, poller, onTransportClosed);
        } catch (IOException e) {
            count.decrementAndGet();
            SafeLog.log(LOG, System.Logger.Level.DEBUG, "dropping an accepted connection", e);
            closeQuietly(channel);
            return;
        } catch (Throwable t) {
            count.decrementAndGet();
            closeQuietly(channel);
            throw t;
        }
        handshaking.add(transport);
        if (closed.get()) {
            transport.close();
            return;
        }
        try {
            Thread.ofVirtual().name("shuttle-http-" + transport.remoteAddress()).start(new HttpExchange(this, transport));
        } catch (Throwable t) {
            transport.close(); // gives the slot back through ended()
            throw t;
        }
    }

    /** Called once per transport, from whichever thread closed it. */
    private void ended(SocketChannelTransport transport) {
        handshaking.remove(transport);
        count.decrementAndGet();
    }

    /** Over the connection limit: 503 and close, on a virtual thread so the accept loop never waits. */
    private void refuse(SocketChannel channel) {
        if (server.metrics() != null) {
            server.metrics().recordHandshakeRefused(503);
        }
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        try {
            configure(channel);
            SocketChannelTransport transport = new SocketChannelTransport(channel, poller, t -> refusing.decrementAndGet());
            try {
                Thread.ofVirtual().name("shuttle-refuse").start(() -> answerRefusal(transport));
            } catch (Throwable t) {
                transport.close(); // gives the refusal slot back
                throw t;
            }
        } catch (IOException e) {
            refusing.decrementAndGet();
            closeQuietly(channel);
        } catch (Throwable t) {
            if (channel.isOpen()) {
                refusing.decrementAndGet();
                closeQuietly(channel);
            }
            throw t;
        }
    }

    private static void answerRefusal(SocketChannelTransport transport) {
        try {
            ByteBuffer response = HttpResponses.text(503, Map.of("Retry-After", "1"), "too many connections", true);
            // Small enough for an empty socket buffer; a client that does not read gets no more time.
            if (transport.write(new ByteBuffer[] {response}, HttpExchange.LINGER_NANOS)) {
                transport.lingerAndClose(HttpExchange.LINGER_NANOS, HttpExchange.LINGER_MAX_BYTES);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.TRACE, "writing a 503", e);
        } finally {
            transport.close();
        }
    }

    private void configure(SocketChannel channel) throws IOException {
        socket.configure(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (Throwable e) {
            SafeLog.log(LOG, System.Logger.Level.TRACE, "closing a socket", e);
        }
    }
}
