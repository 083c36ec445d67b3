package dev.shuttle.websocket.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.io.Poller;
import dev.shuttle.websocket.internal.io.SocketChannelTransport;

/**
 * The built-in listener: a plain-TCP HTTP/1.1 endpoint on JDK sockets whose only jobs are the
 * WebSocket upgrade and, optionally, a few plain GETs ({@link ListenerOptions#httpHandler()}).
 * <p>
 * One platform thread accepts. Each connection then gets a virtual thread that reads the request
 * head (bounded by {@link ListenerOptions#maxRequestHeadBytes()} and by the server's
 * {@code handshakeTimeout}) and either answers it and closes, or writes the 101 and hands the
 * socket to the WebSocket engine. Sockets are non-blocking; waiting for bytes is parking on a
 * small selector-based poller, so an idle WebSocket holds no read buffer.
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
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final WebSocketServer server;
    private final ListenerOptions options;
    private final ServerSocketChannel serverChannel;
    private final InetSocketAddress address;
    private final Poller poller;
    /** Connections in their handshake or upgraded; each leaves once, when its transport closes. */
    private final Set<SocketChannelTransport> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread acceptor;

    private Listener(WebSocketServer server, ListenerOptions options, ServerSocketChannel serverChannel, Poller poller)
            throws IOException {
        this.server = server;
        this.options = options;
        this.serverChannel = serverChannel;
        this.address = (InetSocketAddress) serverChannel.getLocalAddress();
        this.poller = poller;
    }

    /** Binds and starts accepting; returns once the socket is bound. */
    public static Listener start(WebSocketServer server, ListenerOptions options) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        ServerSocketChannel channel = ServerSocketChannel.open();
        Poller poller = null;
        try {
            // A restarted server must be able to bind again while old connections sit in TIME_WAIT.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(options.address(), options.backlog());
            poller = new Poller("shuttle-poller-" + ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                    Poller.defaultThreads());
            Listener listener = new Listener(server, options, channel, poller);
            listener.acceptor = Thread.ofPlatform().daemon().name("shuttle-accept-" + listener.port())
                    .start(listener::acceptLoop);
            LOG.log(System.Logger.Level.DEBUG, "listening on {0}", listener.address);
            return listener;
        } catch (IOException | RuntimeException e) {
            if (poller != null) {
                poller.close();
            }
            channel.close();
            throw e;
        }
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address().getPort();
    }

    /** Connections currently held (in handshake or upgraded). */
    public int connectionCount() {
        return count.get();
    }

    /**
     * Stops accepting, drops connections still in their handshake, closes every WebSocket of the
     * server with 1001 and waits for them up to the server's {@code closeTimeout} (aborting the
     * rest), then stops the poller; idempotent. Note that this closes every connection of the
     * {@link WebSocketServer}, also those it serves through other adapters.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            serverChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the server socket", e);
        }
        joinAcceptor();
        // Connections that have not reached 101 cannot get a close frame; the TCP close is their answer.
        for (SocketChannelTransport t : open) {
            if (!t.isUpgraded()) {
                t.close();
            }
        }
        server.closeAll(CloseCode.GOING_AWAY, "server shutting down", server.options().closeTimeout());
        // Anything left (an upgrade that raced with this close) is dropped so no socket outlives us.
        for (SocketChannelTransport t : open) {
            t.close();
        }
        poller.close();
        LOG.log(System.Logger.Level.DEBUG, "listener on {0} closed", address);
    }

    @Override
    public String toString() {
        return "Listener[" + address + ", connections=" + count.get() + (closed.get() ? ", closed" : "") + "]";
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
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = serverChannel.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed.get()) {
                    break;
                }
                // Typically out of file descriptors: pause instead of spinning on the same error.
                LOG.log(System.Logger.Level.WARNING, "accept failed on " + address, e);
                LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
                continue;
            }
            onAccepted(channel);
        }
    }

    private void onAccepted(SocketChannel channel) {
        if (count.incrementAndGet() > options.maxConnections()) {
            count.decrementAndGet();
            refuse(channel);
            return;
        }
        SocketChannelTransport transport;
        try {
            configure(channel);
            transport = new SocketChannelTransport(channel, poller, this::ended);
        } catch (IOException | RuntimeException e) {
            count.decrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "dropping an accepted connection", e);
            closeQuietly(channel);
            return;
        }
        open.add(transport);
        if (closed.get()) {
            transport.close();
            return;
        }
        try {
            Thread.ofVirtual().name("shuttle-http-" + transport.remoteAddress()).start(new HttpExchange(this, transport));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot start a connection thread", e);
            transport.close();
        }
    }

    /** Called once per transport, from whichever thread closed it. */
    private void ended(SocketChannelTransport transport) {
        if (open.remove(transport)) {
            count.decrementAndGet();
        }
    }

    /** Over the connection limit: 503 and close, on a virtual thread so the accept loop never waits. */
    private void refuse(SocketChannel channel) {
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        try {
            configure(channel);
            SocketChannelTransport transport = new SocketChannelTransport(channel, poller, t -> refusing.decrementAndGet());
            Thread.ofVirtual().name("shuttle-refuse").start(() -> answerRefusal(transport));
        } catch (IOException | RuntimeException e) {
            refusing.decrementAndGet();
            closeQuietly(channel);
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

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // WebSocket frames are small and latency-bound; Nagle would hold them back behind ACKs.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.TRACE, "closing a socket", e);
        }
    }
}
