package dev.shuttle.websocket.jetty;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.shuttle.websocket.spi.Failures;
import dev.shuttle.websocket.spi.Readiness;
import dev.shuttle.websocket.spi.Transport;
import dev.shuttle.websocket.spi.Upgrade;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.Callback;

/**
 * The Jetty {@link Connection} that replaces Jetty's HTTP/1.1 connection after a 101, and the
 * {@link Transport} the engine reads and writes. Jetty installs it through
 * {@code HttpStream.UPGRADE_CONNECTION_ATTRIBUTE} once the 101 is written: bytes its HTTP parser
 * read past the request arrive in {@link #onUpgradeTo}, then {@link #onOpen} starts the engine.
 * <p>
 * Blocking on a virtual thread over Jetty's asynchronous {@link EndPoint}: {@link #read} is a
 * non-blocking {@code fill}; {@link #awaitReadable} registers a one-shot fill interest whose
 * callback only signals the reader's {@link Readiness} (so Jetty may run it on its selector thread); {@link #write}
 * waits for the write callback. {@link #writeNow} is a non-blocking {@code flush}, so a thread
 * that writes while nobody else does sends its frames itself. An idle reader hands its wait over
 * ({@link #onReadable}): the fill interest's callback then starts it again, so an idle connection
 * is a registered fill interest, no thread and no buffer. Over TLS the end point is Jetty's
 * decrypting one, so the same code serves wss.
 * <p>
 * Threads: {@link #read}/{@link #awaitReadable} from the engine's reader only; {@link #write} from
 * one drainer at a time; {@link #close()} from anywhere; the Jetty callbacks from Jetty's threads.
 * Every Jetty callback is supervised: a throwable fails this connection only (see {@link #fail})
 * and never returns into Jetty's selector or thread pool.
 */
final class JettyConnection extends AbstractConnection implements Connection.UpgradeTo, Transport {
    private static final System.Logger LOG = System.getLogger(JettyConnection.class.getName());

    private final Upgrade upgrade;
    private final boolean secure;
    /**
     * Whether {@link #writeNow} may flush straight to the end point. Not over TLS: Jetty's TLS end
     * point may take the bytes, encrypt them and keep some of the result; nothing would then push
     * that out until the next write.
     */
    private final boolean flushesDirectly;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    /** Signalled by the fill-interest callback, awaited by the reader; closed with the connection. */
    private final Readiness readable = new Readiness();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Callback fillCallback = new FillCallback();
    private volatile Throwable fillFailure;
    /**
     * Bytes Jetty's HTTP parser read past the request (a client that did not wait for the 101).
     * Written by Jetty before {@link #onOpen}; then the reader's only (Thread.start orders them).
     */
    private ByteBuffer leftover;

    JettyConnection(EndPoint endPoint, Executor executor, Upgrade upgrade, boolean secure) {
        super(endPoint, executor);
        this.upgrade = upgrade;
        this.secure = secure;
        this.flushesDirectly = !secure && !(endPoint instanceof SslConnection.SslEndPoint);
        this.remoteAddress = JettyRequestView.inet(endPoint.getRemoteSocketAddress());
        this.localAddress = JettyRequestView.inet(endPoint.getLocalSocketAddress());
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        try {
            // Jetty's buffer is only lent for this call: copy what it holds.
            ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
            copy.put(buffer).flip();
            leftover = copy;
        } catch (Throwable t) {
            fail("taking over the bytes read past the upgrade request failed; connection aborted", t);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        // Jetty's end point idle timeout (30 s by default) would fail a parked reader's fill
        // interest and close a quiet WebSocket; Shuttle's idleTimeout/pingInterval govern instead.
        getEndPoint().setIdleTimeout(0);
        try {
            upgrade.start(this);
        } catch (Throwable t) {
            fail("starting a WebSocket connection failed; connection aborted", t);
        }
    }

    @Override
    public void onFillable() {
        // Not used: awaitReadable registers its own callback, never AbstractConnection's.
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        return false; // see onOpen: Jetty's idle timeout must not end a WebSocket
    }

    @Override
    public void onClose(Throwable cause) {
        closed.set(true);
        readable.close();
        try {
            super.onClose(cause);
        } catch (Throwable t) {
            Failures.log(LOG, "closing a Jetty WebSocket connection failed", t);
        }
    }

    /**
     * A Jetty callback failed for this connection: abort it (the engine's reader wakes, finds the
     * transport closed and reports 1006), log once, and return to Jetty normally.
     * {@code what} is a constant message, so that repeats are counted rather than logged.
     */
    private void fail(String what, Throwable t) {
        boolean first = !closed.getAndSet(true);
        readable.close();
        try {
            getEndPoint().close(t);
        } catch (Throwable ignored) {
            // the reader is woken above and finds the transport closed either way
        }
        if (first) {
            Failures.log(LOG, what, t);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer pending = leftover;
        if (pending != null) {
            int n = Math.min(dst.remaining(), pending.remaining());
            dst.put(pending.slice(pending.position(), n));
            pending.position(pending.position() + n);
            if (!pending.hasRemaining()) {
                leftover = null;
            }
            return n;
        }
        EndPoint endPoint = getEndPoint();
        if (!endPoint.isOpen()) {
            return -1;
        }
        // Jetty fills a buffer in its "flush mode" (content between position and limit, appended
        // at the limit); the engine's is in fill mode. A slice starting at dst's position, emptied
        // to limit 0, is Jetty's empty buffer over exactly dst's free space, without a copy.
        ByteBuffer window = dst.slice();
        window.limit(0);
        int n;
        try {
            n = endPoint.fill(window);
        } catch (IOException e) {
            if (!endPoint.isOpen()) {
                return -1; // closed by another thread under our feet: an end of stream for the reader
            }
            throw e;
        }
        if (n > 0) {
            dst.position(dst.position() + n);
        } else if (n == 0 && fillFailure != null) {
            throw new IOException("waiting for input failed", fillFailure);
        }
        return n;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        if (leftover != null || closed.get() || readable.poll()) {
            return; // a fill callback since the last wait: its bytes are there to read
        }
        // One-shot interest; still registered after a timed-out wait, and then this returns false.
        // A callback between here and the park is kept by the Readiness, not lost.
        getEndPoint().tryFillInterested(fillCallback);
        readable.await(timeoutNanos);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        WriteCallback done = new WriteCallback();
        // The engine has at most one drainer, hence at most one pending write (Jetty would throw
        // WritePendingException on a second one).
        getEndPoint().write(done, buffers);
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(); // the write may be half done: the stream is unusable
            throw new InterruptedIOException("interrupted while writing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
    }

    @Override
    public boolean writesWithoutWaiting() {
        return flushesDirectly;
    }

    @Override
    public long writeNow(ByteBuffer[] buffers, int offset, int length) throws IOException {
        if (!flushesDirectly) {
            throw new UnsupportedOperationException("over TLS every write goes through write()");
        }
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        ByteBuffer[] some = offset == 0 && length == buffers.length
                ? buffers : Arrays.copyOfRange(buffers, offset, offset + length);
        long before = remaining(some);
        // The engine writes from one thread at a time and write() waits for its callback, so no
        // write is pending here: flushing beside Jetty's write flusher is safe.
        getEndPoint().flush(some);
        return before - remaining(some);
    }

    private static long remaining(ByteBuffer[] buffers) {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }

    @Override
    public boolean canHandOverReads() {
        return true;
    }

    @Override
    public boolean onReadable(Runnable onReadable) {
        if (leftover != null || closed.get()) {
            return false;
        }
        // The same one-shot interest as awaitReadable (still registered if a wait was cut short):
        // its callback signals the Readiness, which runs onReadable instead of unparking anyone.
        getEndPoint().tryFillInterested(fillCallback);
        return readable.handOver(onReadable);
    }

    @Override
    public void shutdownOutput() {
        if (!closed.get()) {
            getEndPoint().shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            readable.close();
        }
        getEndPoint().close(); // idempotent; fails a pending write or fill interest
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
    public String toConnectionString() {
        return "Shuttle" + (secure ? "[wss " : "[ws ") + remoteAddress + (closed.get() ? ", closed]" : "]");
    }

    /** Only unparks: safe on Jetty's selector thread, so Jetty need not dispatch it. */
    private final class FillCallback implements Callback {
        @Override
        public void succeeded() {
            try {
                readable.signal();
            } catch (Throwable t) {
                fail("waking the reader failed; connection aborted", t);
            }
        }

        @Override
        public void failed(Throwable x) {
            try {
                fillFailure = x;
                readable.signal();
            } catch (Throwable t) {
                fail("waking the reader after a failed fill went wrong; connection aborted", t);
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** Completes a future that the drainer waits on; non-blocking for the same reason. */
    private static final class WriteCallback extends CompletableFuture<Void> implements Callback {
        // Completing a future runs no dependent here (the drainer only waits in get()), so
        // neither can throw back into Jetty.
        @Override
        public void succeeded() {
            complete(null);
        }

        @Override
        public void failed(Throwable x) {
            completeExceptionally(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
