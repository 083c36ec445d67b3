package dev.shuttle.websocket.internal.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.shuttle.websocket.internal.io.Poller;

/**
 * A ws:// connection: a non-blocking {@link SocketChannel} whose waits park on the shared
 * client {@link Poller}, the same readiness model as the built-in listener, so an idle client
 * connection holds no read buffer and no blocked read.
 */
final class ChannelTransport extends ClientTransport {
    private static final System.Logger LOG = System.getLogger(ChannelTransport.class.getName());

    private final SocketChannel channel;
    private final Poller.Channel poll;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ChannelTransport(SocketChannel channel, Poller poller) throws IOException {
        this.channel = channel;
        this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.poll = poller.register(channel);
    }

    /**
     * Connects, then switches to non-blocking mode. The connect itself is a blocking connect with
     * a timeout through the channel's socket adaptor: on a virtual thread it parks rather than
     * blocking a carrier, and it spares the poller an OP_CONNECT case.
     *
     * @param timeoutMillis 0 for the operating system's own limit
     */
    static ChannelTransport connect(InetSocketAddress address, int timeoutMillis, Poller poller) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // frames are written whole; do not delay small ones
            channel.socket().connect(address, timeoutMillis);
            channel.configureBlocking(false);
            return new ChannelTransport(channel, poller);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    int readNow(ByteBuffer dst) throws IOException {
        if (closed.get()) {
            return -1;
        }
        try {
            return channel.read(dst);
        } catch (ClosedChannelException e) {
            return -1; // closed by another thread: an end of stream for the reader
        }
    }

    @Override
    void awaitSocket(long timeoutNanos) throws IOException {
        if (!closed.get()) {
            poll.await(SelectionKey.OP_READ, timeoutNanos, true);
        }
    }

    /** Writes everything, parking on the poller while the send buffer is full. */
    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        int first = 0;
        while (true) {
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
            if (first == buffers.length) {
                return;
            }
            if (closed.get()) {
                throw new ClosedChannelException();
            }
            if (channel.write(buffers, first, buffers.length - first) == 0) {
                poll.await(SelectionKey.OP_WRITE, 0, false);
            }
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!closed.get()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a client socket", e);
        } finally {
            poll.close(); // wakes the waiters; the selector then releases the socket
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public String toString() {
        return "ws " + localAddress + " -> " + remoteAddress + (closed.get() ? " (closed)" : "");
    }
}
