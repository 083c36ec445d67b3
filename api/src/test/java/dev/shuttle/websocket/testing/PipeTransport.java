package dev.shuttle.websocket.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.spi.Transport;

/**
 * One end of an in-memory connection for session tests without sockets. Each end receives into
 * a bounded buffer: {@link #write} blocks while the peer's buffer is full (so a peer that does
 * not read backs up the writer, like TCP), {@link #awaitReadable} parks until data, end of
 * stream or the timeout. {@link #close()} ends both directions: the peer reads what is left,
 * then -1; a blocked writer on either side gets an {@link IOException}. {@link #shutdownOutput()}
 * ends only this end's direction, like a TCP FIN.
 * <p>
 * The test drives the other end through {@link #inputStream(Duration)} and {@link #outputStream()}.
 */
public final class PipeTransport implements Transport {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10001);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 10002);

    private final Inbox inbox;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private PipeTransport peer;
    /** Set by this end's {@link #close()} or {@link #shutdownOutput()}: it writes no more. */
    private volatile boolean outputDone;

    private PipeTransport(int capacity, InetSocketAddress local, InetSocketAddress remote) {
        this.inbox = new Inbox(capacity);
        this.local = local;
        this.remote = remote;
    }

    /** Two connected ends, each able to hold {@code capacity} unread bytes. [0] is the server's end, [1] the client's. */
    public static PipeTransport[] pair(int capacity) {
        PipeTransport a = new PipeTransport(capacity, LOCAL, REMOTE);
        PipeTransport b = new PipeTransport(capacity, REMOTE, LOCAL);
        a.peer = b;
        b.peer = a;
        return new PipeTransport[] {a, b};
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inbox.take(dst);
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        inbox.await(timeoutNanos);
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        for (int i = 0; i < buffers.length; i++) {
            ByteBuffer b = Objects.requireNonNull(buffers[i], "Transport.write got a null buffer at index " + i + " of " + buffers.length);
            while (b.hasRemaining()) {
                if (outputDone) {
                    throw new IOException("pipe closed for writing");
                }
                peer.inbox.put(b);
            }
        }
    }

    @Override
    public void close() {
        outputDone = true;
        inbox.close();
        peer.inbox.close();
    }

    /** Half-close: the peer reads what is left, then end of stream; this end still reads. */
    @Override
    public void shutdownOutput() {
        outputDone = true;
        peer.inbox.close();
    }

    /** Whether {@link #close()} was called on either end. */
    public boolean isClosed() {
        return inbox.closed;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** A blocking view of what this end receives; a read that waits longer than {@code timeout} throws {@link SocketTimeoutException}. */
    public InputStream inputStream(Duration timeout) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    int n = PipeTransport.this.read(ByteBuffer.wrap(b, off, len));
                    if (n != 0) {
                        return n;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("nothing to read within " + timeout);
                    }
                    awaitReadable(left);
                }
            }
        };
    }

    /** A blocking stream into the peer. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                PipeTransport.this.write(new ByteBuffer[] {ByteBuffer.wrap(b, off, len)});
            }
        };
    }

    /** The bytes one end receives: a ring buffer guarded by a lock (no monitors, no pinning). */
    private static final class Inbox {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition writable = lock.newCondition();
        private final byte[] ring;
        private int head;
        private int size;
        private volatile boolean closed;
        /** The thread parked in {@link #await}, if any. */
        private volatile Thread waiter;

        Inbox(int capacity) {
            ring = new byte[capacity];
        }

        int take(ByteBuffer dst) throws EOFException {
            lock.lock();
            try {
                if (size == 0) {
                    return closed ? -1 : 0;
                }
                int n = Math.min(size, dst.remaining());
                for (int i = 0; i < n; i++) {
                    dst.put(ring[(head + i) % ring.length]);
                }
                head = (head + n) % ring.length;
                size -= n;
                writable.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Parks (LockSupport, not a Condition) so that an {@code unpark} of the reader, which the
         * engine uses to look at its timers, ends the wait early as the SPI allows.
         */
        void await(long timeoutNanos) throws IOException {
            waiter = Thread.currentThread();
            try {
                lock.lock();
                try {
                    if (size > 0 || closed) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                if (timeoutNanos > 0) {
                    LockSupport.parkNanos(this, timeoutNanos);
                } else {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for data");
                }
            } finally {
                waiter = null;
            }
        }

        private void wakeReader() {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /** Copies as much of src as fits, waiting while the buffer is full. */
        void put(ByteBuffer src) throws IOException {
            lock.lock();
            try {
                while (size == ring.length && !closed) {
                    writable.await(100, TimeUnit.MILLISECONDS);
                }
                if (closed) {
                    throw new IOException("pipe closed");
                }
                int n = Math.min(ring.length - size, src.remaining());
                for (int i = 0; i < n; i++) {
                    ring[(head + size + i) % ring.length] = src.get();
                }
                size += n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } finally {
                lock.unlock();
                wakeReader();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                writable.signalAll();
            } finally {
                lock.unlock();
            }
            wakeReader();
        }
    }
}
