package dev.shuttle.websocket.undertow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.spi.Failures;
import dev.shuttle.websocket.spi.GatheringWrite;
import dev.shuttle.websocket.spi.Readiness;
import dev.shuttle.websocket.spi.Transport;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.ssl.SslConnection;

/**
 * A {@link Transport} over the {@link StreamConnection} that Undertow hands over after a 101.
 * <p>
 * The channels stay non-blocking. A virtual thread that must wait resumes reads (or writes) and
 * waits on the direction's {@link Readiness}; the channel's listener, which XNIO runs on the
 * connection's IO thread, suspends them again and signals it. Nothing runs on the IO
 * thread but that: it is shared by many connections and must never block. XNIO's own blocking
 * helpers ({@code Channels.readBlocking}, {@code awaitReadable}) are not used: they open a
 * selector per calling thread, one epoll descriptor per virtual thread, never closed.
 * <p>
 * Listener order matters: suspend first, signal second. A waiter that resumes after being
 * signalled then always resumes after the listener's suspend, and any suspend that lands after a
 * resume is followed by a signal, which the Readiness keeps until the waiter takes it, so the
 * waiter retries instead of sleeping on a suspended channel.
 * <p>
 * Instead of waiting, an idle reader hands its wait over ({@link #onReadable}): the read
 * listener's signal then starts it again, so an idle connection holds no thread. On a plain
 * connection {@link #writeNow} is the sink's non-blocking write, so a thread that writes while
 * nobody else does sends its frames itself.
 * <p>
 * Threads: {@link #read}/{@link #awaitReadable} from the engine's reader only; {@link #write}
 * and {@link #shutdownOutput} from one drainer at a time; {@link #close} from any thread.
 */
final class UndertowTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(UndertowTransport.class.getName());
    private final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private final boolean secure;
    /**
     * Held around every channel call on a TLS connection. Undertow's SslConduit serialises wrap
     * and unwrap with {@code synchronized}; a virtual thread blocked on a monitor pins its
     * carrier on JDK 21, so the reader and the drainer queue here instead. The calls inside
     * never wait for the network. Null for plain connections: a socket reads and writes at once.
     */
    private final ReentrantLock sslLock;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Bytes the HTTP parser read past the request head; reader thread only. */
    private ByteBuffer pending;
    private final Readiness readable = new Readiness();
    private final Readiness writable = new Readiness();

    /**
     * Takes over the connection; call on the thread that runs the upgrade listener, before the
     * engine starts. {@code extraBytes} are the bytes that followed the request head (a client may
     * send its first frame without waiting for the 101), or null.
     */
    UndertowTransport(StreamConnection connection, ByteBuffer extraBytes) {
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
        this.secure = connection instanceof SslConnection;
        this.sslLock = secure ? new ReentrantLock() : null;
        this.remoteAddress = connection.getPeerAddress(InetSocketAddress.class);
        this.localAddress = connection.getLocalAddress(InetSocketAddress.class);
        this.pending = extraBytes != null && extraBytes.hasRemaining() ? extraBytes : null;
        // Undertow's HTTP read listener is still installed; after the upgrade it must not parse.
        source.setReadListener(ch -> onReady(ch::suspendReads, readable));
        sink.setWriteListener(ch -> onReady(ch::suspendWrites, writable));
        source.suspendReads();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer p = pending;
        if (p != null) {
            int n = Math.min(dst.remaining(), p.remaining());
            dst.put(p.slice(p.position(), n));
            p.position(p.position() + n);
            if (!p.hasRemaining()) {
                pending = null;
            }
            return n;
        }
        if (closed.get()) {
            return -1;
        }
        lock();
        try {
            return source.read(dst);
        } catch (ClosedChannelException e) {
            // Closed by another thread under our feet: an end of stream for the reader.
            return -1;
        } finally {
            unlock();
        }
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        if (pending != null || closed.get()) {
            return;
        }
        lock();
        try {
            // On TLS, unwrapped bytes may already wait inside the conduit: resumeReads then
            // queues the listener on the IO thread at once, which signals us.
            source.resumeReads();
        } finally {
            unlock();
        }
        // Returns at once when closed meanwhile. An early return leaves reads resumed; the
        // listener's later suspend and signal only cost the reader one more look.
        readable.await(timeoutNanos);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        GatheringWrite.writeAll(buffers, this::writeSome, writable, this::resumeWrites);
        flush();
    }

    @Override
    public boolean writesWithoutWaiting() {
        // Not over TLS: the conduit may keep wrapped records until a flush, which a write that
        // returns at once would leave for nobody to do.
        return !secure;
    }

    @Override
    public long writeNow(ByteBuffer[] buffers, int offset, int length) throws IOException {
        if (secure) {
            throw new UnsupportedOperationException("over TLS every write goes through write()");
        }
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        return sink.write(buffers, offset, length);
    }

    @Override
    public boolean canHandOverReads() {
        return true;
    }

    @Override
    public boolean onReadable(Runnable onReadable) {
        if (pending != null || closed.get()) {
            return false;
        }
        lock();
        try {
            source.resumeReads();
        } finally {
            unlock();
        }
        // A listener run between the resume and here left its signal in the Readiness: then
        // handOver declines and the reader reads on.
        return readable.handOver(onReadable);
    }

    private long writeSome(ByteBuffer[] buffers, int offset, int length) throws IOException {
        lock();
        try {
            return sink.write(buffers, offset, length);
        } finally {
            unlock();
        }
    }

    /**
     * Pushes out what a conduit buffered: the TLS conduit keeps wrapped records until flushed,
     * and flush returns false while the socket's send buffer is full.
     */
    private void flush() throws IOException {
        GatheringWrite.until(() -> {
            lock();
            try {
                return sink.flush();
            } finally {
                unlock();
            }
        }, writable, this::resumeWrites);
    }

    private void resumeWrites() {
        lock();
        try {
            sink.resumeWrites();
        } finally {
            unlock();
        }
    }

    /**
     * The channel's listener, on the IO thread: suspend, then signal (see the class comment).
     * Supervised: whatever throws here fails this connection only, and XNIO's IO thread, shared
     * by many connections, gets control back normally.
     */
    private void onReady(Runnable suspend, Readiness waiter) {
        try {
            suspend.run();
            waiter.signal();
        } catch (Throwable t) {
            abort(t);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (closed.get()) {
            return;
        }
        lock();
        try {
            sink.shutdownWrites();
        } finally {
            unlock();
        }
        // The FIN (or TLS close_notify) goes out with the last flush.
        flush();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IoUtils.safeClose(connection);
        wakeWaiters();
    }

    /** Undertow closed the connection (peer reset, server stop): wake whoever waits on it. */
    void connectionClosed() {
        closed.set(true);
        wakeWaiters();
    }

    /** Fails the connection from a container callback: log once, close, never throw. */
    private void abort(Throwable cause) {
        if (!closed.getAndSet(true)) {
            Failures.log(LOG, "an Undertow channel listener failed; aborting the connection", cause);
        }
        try {
            IoUtils.safeClose(connection);
        } catch (Throwable ignored) {
            // the waiters are woken below either way, and see the transport closed
        }
        wakeWaiters();
    }

    private void wakeWaiters() {
        readable.close();
        writable.close();
    }

    private void lock() {
        if (sslLock != null) {
            sslLock.lock();
        }
    }

    private void unlock() {
        if (sslLock != null) {
            sslLock.unlock();
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
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String toString() {
        return "UndertowTransport[" + remoteAddress + " -> " + localAddress
                + (secure ? ", tls" : "") + (closed.get() ? ", closed" : "") + "]";
    }
}
