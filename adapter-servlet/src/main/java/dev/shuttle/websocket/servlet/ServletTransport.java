package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.shuttle.websocket.spi.Failures;
import dev.shuttle.websocket.spi.GatheringWrite;
import dev.shuttle.websocket.spi.Readiness;
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
 * of fresh arrays that the engine's reader takes; the reader never touches the input stream.
 * The queue is a window of {@value #WINDOW} bytes: when it is full, {@code onDataAvailable}
 * returns with the stream still ready, so the container stops reading the socket (Undertow
 * suspends reads) and TCP pushes back on the peer. The reader, once it has taken half the
 * window, resumes reading <em>on the container's own thread</em>: a reader that resumed the
 * stream from its own thread raced the container's listener, which still runs after
 * {@code onDataAvailable} returns, and corrupted a 1 MiB echo. The container's thread is found
 * as the thread of {@code onDataAvailable} when it is an {@link Executor} (XNIO's IO threads
 * are), and {@code execute} queues the resumption behind the listener's current run. On a
 * container whose callback thread is not an executor there is no safe way to resume, so there is
 * no pause and a peer more than {@value #UNPAUSABLE_LIMIT} bytes ahead is failed instead.</li>
 * <li>Output is written only after the first {@code onWritePossible}, and after a write that
 * leaves {@code isReady()} false, only after the next one.</li>
 * </ul>
 * An idle connection holds no buffer and no thread: the queue is empty, the container holds
 * none, and the reader handed its wait over ({@link #onReadable}).
 * <p>
 * Threads: {@link #read}/{@link #awaitReadable} from the engine's reader, {@link #write} from one
 * drainer at a time, {@link #close()} from anywhere, the listeners from container threads.
 */
final class ServletTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(ServletTransport.class.getName());
    private static final int CHUNK = 16 * 1024;
    /** Read-ahead per connection: the bridge holds at most this plus one chunk of unread input. */
    static final int WINDOW = 64 * 1024;
    /** Where input cannot be paused (see the class comment): a peer this far ahead is failed. */
    static final int UNPAUSABLE_LIMIT = 1024 * 1024;
    /** Tests only: sees every transport made, to measure what it holds. */
    static volatile Consumer<ServletTransport> createdForTests;
    /** Tests only: told of every pause. */
    static volatile Consumer<ServletTransport> pausedForTests;

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
    /** The most input ever queued at once (tests measure the window with it). */
    private final AtomicInteger maxQueued = new AtomicInteger();
    /** Total bytes taken from the container. */
    private volatile long received;
    /** The container thread that runs onDataAvailable, when it can run tasks; set on that thread. */
    private volatile Executor containerThread;
    /** onDataAvailable returned with the window full and the stream still ready: the reader must resume it. */
    private final AtomicBoolean paused = new AtomicBoolean();
    /** The chunk the reader is taking from, and how far; reader thread only. */
    private byte[] head;
    private int headPos;
    /** Set after the last chunk is queued: end of stream once the queue is empty. */
    private volatile boolean inputEnded;
    private volatile Throwable readError;
    private final Readiness readable = new Readiness();

    /** Counts onWritePossible calls; 0 until the first, before which the stream is the container's. */
    private final AtomicInteger writeGrants = new AtomicInteger();
    /** A write left bytes inside the container (isReady() false) and no onWritePossible since. */
    private volatile boolean outputPending;
    /** The grant count at which isReady() last said false; drainer thread only. */
    private int deniedAt;
    private volatile Throwable writeError;
    private final Readiness writable = new Readiness();
    /** Guards the one log line of a failed callback. */
    private final AtomicBoolean failed = new AtomicBoolean();

    ServletTransport(WebConnection connection, InetSocketAddress remoteAddress, InetSocketAddress localAddress, boolean secure)
            throws IOException {
        this.connection = connection;
        this.in = connection.getInputStream();
        this.out = connection.getOutputStream();
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.secure = secure;
        // A connection that can resume input on its container's thread itself (Tomcat's, see TomcatConnection).
        if (connection instanceof TomcatConnection tomcat && tomcat.canResume()) {
            containerThread = tomcat;
        }
        // Setting the listeners switches both streams to non-blocking mode before the engine reads.
        in.setReadListener(new Input());
        out.setWriteListener(new Output());
        Consumer<ServletTransport> watcher = createdForTests;
        if (watcher != null) {
            watcher.accept(this);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed.get()) {
            return -1;
        }
        // Read the end flag before the queue: it is set after the last chunk is queued.
        boolean ended = inputEnded;
        byte[] h = head != null ? head : inbound.poll();
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
        int left = queued.addAndGet(-n);
        if (left <= WINDOW / 2 && paused.compareAndSet(true, false)) {
            resume();
        }
        return n;
    }

    /** Reader thread: the window has room again; read on on the container's thread. */
    private void resume() {
        try {
            containerThread.execute(this::drain);
        } catch (Throwable t) {
            // The container refuses tasks (stopping): this connection cannot read again.
            fail("resuming input failed; connection aborted", t);
        }
    }

    /** Input queued now, in bytes. */
    int queuedBytes() {
        return queued.get();
    }

    /** The most input ever queued at once, in bytes. */
    int maxQueuedBytes() {
        return maxQueued.get();
    }

    /** Bytes taken from the container so far. */
    long receivedBytes() {
        return received;
    }

    /** Whether input is paused with a full window. */
    boolean isPaused() {
        return paused.get();
    }

    /**
     * Reads what the input stream has into the queue, on the container's thread (inside
     * onDataAvailable, or in a task the reader queued on that thread): until isReady() turns
     * false, which hands the stream back to the container and arms the next onDataAvailable, or
     * until the window is full, which pauses it (see the class comment). Undertow's upgraded
     * streams keep their state in plain fields its I/O thread changes around our callbacks, so no
     * other thread may call them. Supervised: never throws into the container.
     */
    private void drain() {
        try {
            while (!closed.get() && in.isReady()) {
                int q = queued.get();
                if (q >= WINDOW && containerThread != null) {
                    paused.set(true);
                    // The reader may have emptied the window between our look and the flag.
                    if (queued.get() <= WINDOW / 2 && paused.compareAndSet(true, false)) {
                        continue;
                    }
                    Consumer<ServletTransport> watcher = pausedForTests;
                    if (watcher != null) {
                        watcher.accept(this);
                    }
                    break; // the stream stays ready: the container stops reading the socket
                }
                if (q >= UNPAUSABLE_LIMIT) {
                    throw new IOException("the peer is more than " + UNPAUSABLE_LIMIT + " bytes ahead of the application");
                }
                byte[] chunk = new byte[Math.max(1, Math.min(in.available(), CHUNK))];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    inputEnded = true;
                    break;
                }
                if (n > 0) {
                    received += n; // container thread only
                    maxQueued.accumulateAndGet(queued.addAndGet(n), Math::max);
                    inbound.add(n == chunk.length ? chunk : Arrays.copyOf(chunk, n));
                }
            }
            // The end of input arrives as read() == -1 or onAllDataRead.
        } catch (IOException e) {
            readError = e;
        } catch (Throwable t) {
            readError = t;
            fail("reading input failed; connection aborted", t);
        }
        readable.signal();
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        if (readable.poll() || closed.get() || inputEnded || readError != null || head != null || !inbound.isEmpty()) {
            return;
        }
        // A chunk queued after the look above signals, and the Readiness keeps the signal.
        readable.await(timeoutNanos);
    }

    @Override
    public boolean canHandOverReads() {
        return true;
    }

    /**
     * The reader leaves instead of waiting: the next signal of {@link #readable} (a chunk queued
     * by onDataAvailable, the end of input, an error, close) starts it again, on the container's
     * thread, which the engine only uses to start a virtual thread.
     */
    @Override
    public boolean onReadable(Runnable onReadable) {
        if (closed.get() || inputEnded || readError != null || head != null || !inbound.isEmpty()) {
            return false;
        }
        return readable.handOver(onReadable);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        try {
            GatheringWrite.writeAll(buffers, this::writeSome, writable, () -> { });
            // Return only once the container holds none of our bytes, so that the engine's close
            // after its last write cannot cut them off. (flush() is a no-op in non-blocking mode.)
            GatheringWrite.until(this::streamIsOurs, writable, () -> { });
        } catch (InterruptedIOException e) {
            close(); // a write may be half done: the stream is unusable
            throw e;
        }
    }

    /**
     * One chunk from the first buffer with bytes, when the stream is ours; else 0, and the next
     * onWritePossible signals {@link #writable}. Always a whole, exact array: Undertow's upgraded
     * output stream (2.3.18) ignores off and len in write(byte[], int, int) and sends the entire
     * array. The container keeps the array when it cannot write it at once, so it must not be
     * one we reuse.
     */
    private long writeSome(ByteBuffer[] buffers, int offset, int length) throws IOException {
        if (!streamIsOurs()) {
            return 0;
        }
        ByteBuffer b = buffers[offset];
        byte[] chunk = new byte[Math.min(b.remaining(), CHUNK)];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
        return chunk.length;
    }

    /**
     * Whether the writer may write now. A false isReady() hands the stream to the container until
     * its next onWritePossible; until then isReady() is not asked again, as the container's
     * thread is writing our bytes and changing the stream's state.
     */
    private boolean streamIsOurs() throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        if (writeError != null) {
            throw new IOException("writing failed", writeError);
        }
        int grants = writeGrants.get();
        if (grants > 0 && grants != deniedAt) {
            if (out.isReady()) {
                outputPending = false;
                return true;
            }
            outputPending = true;
            deniedAt = grants; // isReady() is not asked again before the next grant
        }
        return false;
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
        readable.close();
        writable.close();
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

    /**
     * A container callback failed for this connection: abort it (the engine's reader wakes, finds
     * the transport closed and reports it), log once, and return to the container normally.
     * {@code what} is a constant message, so that repeats are counted rather than logged.
     */
    private void fail(String what, Throwable t) {
        if (failed.compareAndSet(false, true)) {
            Failures.log(LOG, what, t);
        }
        try {
            close();
        } catch (Throwable ignored) {
            // the waiters are woken by close() before it can fail
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
            if (containerThread == null && Thread.currentThread() instanceof Executor e) {
                containerThread = e; // before the first pause, which needs it to resume
            }
            drain();
        }

        @Override
        public void onAllDataRead() {
            inputEnded = true;
            readable.signal();
        }

        @Override
        public void onError(Throwable t) {
            readError = t;
            readable.signal();
        }
    }

    private final class Output implements WriteListener {
        @Override
        public void onWritePossible() {
            writeGrants.incrementAndGet();
            writable.signal();
        }

        @Override
        public void onError(Throwable t) {
            boolean again = writeError != null;
            writeError = t;
            writable.signal();
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
