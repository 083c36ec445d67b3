package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.spi.Transport;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;

/**
 * A {@link Transport} over a Servlet {@link WebConnection} in non-blocking mode (Servlet 6
 * §5.3). The container's blocking streams are never used: Undertow's open a selector per thread.
 * <p>
 * Ownership, not just readiness: Undertow's upgraded streams keep their state in plain fields
 * that its I/O thread changes inside its listeners, before and after calling ours. Calling
 * {@code isReady()}/{@code read()} from another thread while that runs failed under load: a
 * {@code read()} met a half-filled buffer (NPE on {@code pooled} in the engine's reader, which
 * then closed without a close frame); and, by reading the code, a write racing the first
 * {@code onWritePossible} can lose an update of the stream's state and overwrite a pending
 * buffer. So:
 * <ul>
 * <li>Input is read on the container's thread, inside {@code onDataAvailable}, into a queue
 * of fresh arrays that the engine's reader takes; the reader never touches the input stream,
 * except to resume after a pause (below).</li>
 * <li>Output is written only after the first {@code onWritePossible}, and after a write that
 * leaves {@code isReady()} false, only after the next one.</li>
 * </ul>
 * An idle connection holds no buffer: the queue is empty and the container holds none.
 * <p>
 * Threads: {@link #read}/{@link #awaitReadable} from the engine's reader, {@link #write} from one
 * drainer at a time, {@link #close()} from anywhere, the listeners from container threads.
 */
final class ServletTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(ServletTransport.class.getName());
    private static final int CHUNK = 16 * 1024;
    /**
     * Inbound backpressure: above this many queued bytes the container thread stops reading and
     * leaves the rest in the container and the kernel (TCP flow control); the reader resumes.
     */
    private static final int HIGH_WATER = 256 * 1024;

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final boolean secure;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Chunks read by the container thread, in order; taken by the reader. */
    private final ConcurrentLinkedQueue<byte[]> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** The chunk the reader is taking from, and how far; reader thread only. */
    private byte[] head;
    private int headPos;
    /** The container thread stopped reading at HIGH_WATER with the stream still ready: ours to resume. */
    private volatile boolean paused;
    /** Set after the last chunk is queued: end of stream once the queue is empty. */
    private volatile boolean inputEnded;
    private volatile Throwable readError;
    private final AtomicBoolean readable = new AtomicBoolean();
    private volatile Thread reader;

    /** Counts onWritePossible calls; 0 until the first, before which the stream is the container's. */
    private final AtomicInteger writeGrants = new AtomicInteger();
    /** A write left bytes inside the container (isReady() false) and no onWritePossible since. */
    private volatile boolean outputPending;
    private volatile Throwable writeError;
    private volatile Thread writer;

    ServletTransport(WebConnection connection, InetSocketAddress remoteAddress, InetSocketAddress localAddress, boolean secure)
            throws IOException {
        this.connection = connection;
        this.in = connection.getInputStream();
        this.out = connection.getOutputStream();
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.secure = secure;
        // Setting the listeners switches both streams to non-blocking mode before the engine reads.
        in.setReadListener(new Input());
        out.setWriteListener(new Output());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed.get()) {
            return -1;
        }
        // Read the end flag before the queue: it is set after the last chunk is queued.
        boolean ended = inputEnded;
        byte[] h = head != null ? head : inbound.poll();
        if (h == null && paused && !ended) {
            paused = false;
            drain(); // the container left the stream ready to us (see drain)
            ended = inputEnded;
            h = inbound.poll();
        }
        if (h == null) {
            if (readError != null) {
                throw new IOException("reading failed", readError);
            }
            return ended ? -1 : 0;
        }
        int n = Math.min(dst.remaining(), h.length - headPos);
        dst.put(h, headPos, n);
        headPos += n;
        if (headPos == h.length) {
            head = null;
            headPos = 0;
        } else {
            head = h;
        }
        queued.addAndGet(-n);
        return n;
    }

    /**
     * Reads what the input stream has into the queue, by its owner: the container thread in
     * onDataAvailable, or the reader after a pause, when the container thread left the stream
     * ready with reads suspended (Undertow then touches it again only after a read of ours
     * returns it). Stops at HIGH_WATER, or when isReady() turns false, which hands the stream
     * back to the container and arms onDataAvailable.
     * <p>
     * Residual risk, reader-resume path only: in Undertow, the {@code isReady()} that follows a
     * read that handed the stream back reads a plain field its I/O thread may be setting. It
     * needs a peer outpacing the application by HIGH_WATER and a preemption in that window.
     */
    private void drain() {
        try {
            while (in.isReady()) {
                if (queued.get() >= HIGH_WATER) {
                    paused = true;
                    break;
                }
                byte[] chunk = new byte[Math.max(1, Math.min(in.available(), CHUNK))];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    inputEnded = true;
                    break;
                }
                if (n > 0) {
                    queued.addAndGet(n);
                    inbound.add(n == chunk.length ? chunk : Arrays.copyOf(chunk, n));
                }
            }
            if (!paused && in.isFinished()) {
                inputEnded = true;
            }
        } catch (IOException | RuntimeException e) {
            readError = e;
        }
        wake(readable, reader);
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        reader = Thread.currentThread();
        if (readable.getAndSet(false) || closed.get() || inputEnded || readError != null
                || head != null || !inbound.isEmpty() || paused) {
            return;
        }
        if (timeoutNanos > 0) {
            LockSupport.parkNanos(this, timeoutNanos);
        } else {
            LockSupport.park(this);
        }
        readable.set(false);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        writer = Thread.currentThread();
        for (ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                awaitWritable();
                // Always a whole, exact array: Undertow's upgraded output stream (2.3.18)
                // ignores off and len in write(byte[], int, int) and sends the entire array.
                // The container keeps the array when it cannot write it at once, so it must
                // not be one we reuse.
                byte[] chunk = new byte[Math.min(b.remaining(), CHUNK)];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }
        // Return only once the container holds none of our bytes, so that the engine's close
        // after its last write cannot cut them off. (flush() is a no-op in non-blocking mode.)
        awaitWritable();
    }

    /**
     * Parks the writer until the stream is ours and ready. A false isReady() hands the stream to
     * the container until its next onWritePossible; until then isReady() is not asked again,
     * as the container's thread is writing our bytes and changing the stream's state.
     */
    private void awaitWritable() throws IOException {
        while (true) {
            if (closed.get()) {
                throw new ClosedChannelException();
            }
            if (writeError != null) {
                throw new IOException("writing failed", writeError);
            }
            int grants = writeGrants.get();
            if (grants > 0 && out.isReady()) {
                outputPending = false;
                return;
            }
            if (grants > 0) {
                outputPending = true;
            }
            while (writeGrants.get() == grants && !closed.get() && writeError == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    close();
                    throw new InterruptedIOException("interrupted while writing");
                }
            }
        }
    }

    @Override
    public void shutdownOutput() {
        if (closed.get() || outputPending) {
            return; // with bytes still inside the container, only close() ends the connection
        }
        try {
            // On an upgraded connection, closing the output stream half-closes the socket.
            out.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "half-closing " + this, e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wake(readable, reader);
        unpark(writer);
        if (outputPending) {
            // Undertow's WebConnection.close() writes a pending buffer blocking, until the peer
            // reads or the connection dies: do not hold the caller (often the reader) there.
            Thread.ofVirtual().name("shuttle-servlet-close").start(this::closeConnection);
        } else {
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + this, e);
        }
    }

    /** The container destroyed the upgrade handler: the connection is gone. */
    void onDestroyed() {
        inputEnded = true;
        close();
    }

    private static void wake(AtomicBoolean flag, Thread t) {
        flag.set(true);
        unpark(t);
    }

    private static void unpark(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
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
        return "ServletTransport[" + remoteAddress + (closed.get() ? ", closed]" : "]");
    }

    private final class Input implements ReadListener {
        @Override
        public void onDataAvailable() {
            drain();
        }

        @Override
        public void onAllDataRead() {
            inputEnded = true;
            wake(readable, reader);
        }

        @Override
        public void onError(Throwable t) {
            readError = t;
            wake(readable, reader);
        }
    }

    private final class Output implements WriteListener {
        @Override
        public void onWritePossible() {
            writeGrants.incrementAndGet();
            unpark(writer);
        }

        @Override
        public void onError(Throwable t) {
            boolean again = writeError != null;
            writeError = t;
            unpark(writer);
            if (again) {
                // Undertow's write listener retries a failed write of its pending buffer in a
                // loop (UpgradeServletOutputStream, "do { try { write } catch { handleError } }
                // while (buffer.hasRemaining())") and calls us on each turn, spinning its I/O
                // thread forever. The channel is closed by then; throwing is the only way out.
                throw new IllegalStateException("write failed; ending the container's retry loop", t);
            }
        }
    }
}
