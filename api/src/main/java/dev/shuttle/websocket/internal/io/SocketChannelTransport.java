package dev.shuttle.websocket.internal.io;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

import dev.shuttle.websocket.spi.Transport;

/**
 * A {@link Transport} over a non-blocking {@link SocketChannel}: an accepted socket of the
 * built-in listener, or a client's ws:// connection. Waiting is done by parking on a
 * {@link Poller}, or by handing a callback to it ({@link #onReadable}), so an idle connection
 * costs a selection key and no thread and no read buffer.
 * <p>
 * Threads: reads (and {@link #unread}) from one thread at a time, first the handshake thread,
 * then the engine's reader; writes from one thread at a time; {@link #close()} from any thread.
 */
public final class SocketChannelTransport implements PushbackTransport {
    private static final System.Logger LOG = System.getLogger(SocketChannelTransport.class.getName());

    private final SocketChannel channel;
    private final Poller.Channel poll;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    /** As the channel reports them: a UNIX-domain socket's are not InetSocketAddresses. */
    private final SocketAddress remoteSocketAddress;
    private final SocketAddress localSocketAddress;
    private final Consumer<SocketChannelTransport> onClose;
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(SocketChannelTransport.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean closed;
    /** Bytes read with the request head that belong to the WebSocket stream; reader thread only. */
    private ByteBuffer pending;
    private volatile boolean upgraded;

    /**
     * @param onClose called exactly once, by whichever thread closes first (the listener's count)
     */
    public SocketChannelTransport(SocketChannel channel, Poller poller, Consumer<SocketChannelTransport> onClose) throws IOException {
        this.channel = channel;
        this.remoteSocketAddress = channel.getRemoteAddress();
        this.localSocketAddress = channel.getLocalAddress();
        this.remoteAddress = SocketAddresses.inet(remoteSocketAddress);
        this.localAddress = SocketAddresses.inet(localSocketAddress);
        this.onClose = onClose;
        this.poll = poller.register(channel);
    }

    @Override
    public void unread(ByteBuffer bytes) {
        if (bytes != null && bytes.hasRemaining()) {
            pending = bytes;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (pending != null) {
            int n = Math.min(dst.remaining(), pending.remaining());
            ByteBuffer slice = pending.slice(pending.position(), n);
            dst.put(slice);
            pending.position(pending.position() + n);
            if (!pending.hasRemaining()) {
                pending = null;
            }
            return n;
        }
        if (closed) {
            return -1;
        }
        try {
            return channel.read(dst);
        } catch (ClosedChannelException e) {
            // Closed by another thread under our feet: that is an end of stream for the reader.
            return -1;
        }
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        if ((pending != null && pending.hasRemaining()) || closed) {
            return;
        }
        poll.await(SelectionKey.OP_READ, timeoutNanos, true);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        write(buffers, 0);
    }

    @Override
    public boolean writesWithoutWaiting() {
        return true;
    }

    @Override
    public long writeNow(ByteBuffer[] buffers, int offset, int length) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        return length == 1 ? channel.write(buffers[offset]) : channel.write(buffers, offset, length);
    }

    @Override
    public boolean canHandOverReads() {
        return true;
    }

    @Override
    public boolean onReadable(Runnable onReadable) {
        if ((pending != null && pending.hasRemaining()) || closed) {
            return false;
        }
        return poll.handOverRead(onReadable);
    }

    /**
     * Writes everything, parking on the poller while the socket's send buffer is full.
     *
     * @param timeoutNanos 0 or less for no limit
     * @return false when the timeout passed first (some bytes may have been written)
     * @throws ClosedChannelException when the transport is or gets closed
     */
    public boolean write(ByteBuffer[] buffers, long timeoutNanos) throws IOException {
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        int first = 0;
        while (true) {
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
            if (first == buffers.length) {
                return true;
            }
            if (closed) {
                throw new ClosedChannelException();
            }
            if (channel.write(buffers, first, buffers.length - first) > 0) {
                continue;
            }
            long left = timed ? deadline - System.nanoTime() : 0;
            if (timed && left <= 0) {
                return false;
            }
            poll.await(SelectionKey.OP_WRITE, left, false);
        }
    }

    /**
     * Ends an HTTP exchange politely: sends FIN after the response, then reads and discards what
     * the client still sends (a body, a pipelined request) for a short while before closing.
     * Closing with unread bytes would send a RST, and the client could lose the response we just
     * wrote (RFC 9112 §9.6).
     */
    public void lingerAndClose(long timeoutNanos, int maxDiscard) {
        try {
            channel.shutdownOutput();
            long deadline = System.nanoTime() + timeoutNanos;
            ByteBuffer sink = ByteBuffer.allocate(2048);
            int discarded = 0;
            while (discarded < maxDiscard) {
                sink.clear();
                int n = read(sink);
                if (n < 0) {
                    break;
                }
                discarded += n;
                if (n == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    awaitReadable(left);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.TRACE, "lingering close", e);
        } finally {
            close();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!closed) {
            channel.shutdownOutput();
        }
    }

    /** Marks the handoff to the engine: from now on the engine's close() ends the connection. */
    public void markUpgraded() {
        upgraded = true;
    }

    public boolean isUpgraded() {
        return upgraded;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a socket", e);
        } finally {
            poll.close();
            onClose.accept(this);
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
    public SocketAddress remoteSocketAddress() {
        return remoteSocketAddress;
    }

    @Override
    public SocketAddress localSocketAddress() {
        return localSocketAddress;
    }

    @Override
    public String toString() {
        return "SocketChannelTransport[" + remoteAddress + " -> " + localAddress + (closed ? ", closed" : "") + "]";
    }
}
