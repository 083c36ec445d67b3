package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
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
 * §5.3): {@code isReady()} is the readiness test, and the container's {@link ReadListener} /
 * {@link WriteListener} callbacks only unpark the waiting virtual thread. The container's
 * blocking streams are never used: Undertow's open a selector per thread.
 * <p>
 * An idle connection holds no buffer: {@link #read} copies through a pooled chunk only when the
 * engine's buffer has no array, and only while bytes are there; writes go out as fresh exact
 * arrays (see {@link #write}).
 * <p>
 * Threads: {@link #read}/{@link #awaitReadable} from the engine's reader, {@link #write} from one
 * drainer at a time, {@link #close()} from anywhere, the listeners from container threads.
 */
final class ServletTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(ServletTransport.class.getName());
    private static final int CHUNK = 16 * 1024;
    /** Chunks for reading into the engine's direct buffers through the streams' byte arrays. */
    private static final ConcurrentLinkedQueue<byte[]> CHUNKS = new ConcurrentLinkedQueue<>();
    /** Idle chunks kept; beyond this they are left to the garbage collector. */
    private static final int MAX_POOLED = 64;
    private static final AtomicInteger POOLED = new AtomicInteger();

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final boolean secure;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Each flag is set by a container callback and cleared by the waiting thread; with the
    // thread fields they make a Dekker pair, so a wake-up between the test and the park is kept.
    private final AtomicBoolean readable = new AtomicBoolean();
    private final AtomicBoolean writable = new AtomicBoolean();
    private volatile Thread reader;
    private volatile Thread writer;
    private volatile boolean inputEnded;
    private volatile Throwable readError;
    private volatile Throwable writeError;

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
        if (closed.get() || inputEnded) {
            return -1;
        }
        if (readError != null) {
            throw new IOException("reading failed", readError);
        }
        if (!in.isReady()) {
            // false also arms onDataAvailable (or onAllDataRead)
            return in.isFinished() ? -1 : 0;
        }
        int n;
        try {
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                byte[] chunk = borrow();
                try {
                    n = in.read(chunk, 0, Math.min(chunk.length, dst.remaining()));
                    if (n > 0) {
                        dst.put(chunk, 0, n);
                    }
                } finally {
                    giveBack(chunk);
                }
            }
        } catch (IOException e) {
            if (closed.get()) {
                return -1; // closed by another thread under our feet
            }
            throw e;
        }
        if (n < 0) {
            inputEnded = true;
            return -1;
        }
        return n;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        reader = Thread.currentThread();
        if (readable.getAndSet(false) || closed.get() || inputEnded || readError != null) {
            return;
        }
        if (in.isReady()) {
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
        // Containers buffer writes: flush, and return only once the bytes are out, so that the
        // engine's close after its last write cannot cut them off.
        awaitWritable();
        out.flush();
        awaitWritable();
    }

    /** Parks the writer until {@code isReady()}; a false {@code isReady()} arms onWritePossible. */
    private void awaitWritable() throws IOException {
        while (true) {
            if (closed.get()) {
                throw new ClosedChannelException();
            }
            if (writeError != null) {
                throw new IOException("writing failed", writeError);
            }
            if (out.isReady()) {
                return;
            }
            if (!writable.getAndSet(false)) {
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
        if (closed.get()) {
            return;
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
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + this, e);
        }
        wake(readable, reader);
        wake(writable, writer);
    }

    /** The container destroyed the upgrade handler: the connection is gone. */
    void onDestroyed() {
        inputEnded = true;
        close();
    }

    private static void wake(AtomicBoolean flag, Thread t) {
        flag.set(true);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private static byte[] borrow() {
        byte[] chunk = CHUNKS.poll();
        if (chunk == null) {
            return new byte[CHUNK];
        }
        POOLED.decrementAndGet();
        return chunk;
    }

    private static void giveBack(byte[] chunk) {
        if (POOLED.incrementAndGet() <= MAX_POOLED) {
            CHUNKS.offer(chunk);
        } else {
            POOLED.decrementAndGet();
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
            wake(readable, reader);
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
            wake(writable, writer);
        }

        @Override
        public void onError(Throwable t) {
            writeError = t;
            wake(writable, writer);
        }
    }
}
