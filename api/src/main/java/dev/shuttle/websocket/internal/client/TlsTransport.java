package dev.shuttle.websocket.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLSocket;

/**
 * A wss:// connection over the JDK's {@link SSLSocket} (blocking streams; on a virtual thread a
 * blocked read parks instead of holding a carrier, and the JDK's TLS socket locks are
 * {@code ReentrantLock}s, so nothing pins).
 * <p>
 * Readiness for the engine's non-blocking contract:
 * <ul>
 * <li>{@link #readNow} hands out only what TLS has already decrypted ({@code available()}), so it
 *     never blocks;</li>
 * <li>when nothing is decrypted, {@link #awaitSocket} starts a <em>probe</em>: a virtual thread
 *     that does a blocking read of one byte, keeps it for the next read and unparks the reader.
 *     The reader itself only parks, so an engine {@code LockSupport.unpark} (a close queued from
 *     another thread, which starts the close timeout) ends its wait at once, as the Transport
 *     contract requires; a blocking socket read would sleep through it. A probe left running
 *     stays the only reader of the socket until it has finished.</li>
 * </ul>
 * Why not an {@code SSLEngine} over the non-blocking channel and the poller (no thread and no TLS
 * buffers while idle)? It needs its own wrap/unwrap, handshake and key-update state machine with
 * the reader and the writer sharing one engine. A client has few connections; the JDK's socket
 * is the well-trodden path and costs an idle connection one parked probe thread and the
 * socket's record buffers.
 */
final class TlsTransport extends ClientTransport {
    /** TLS records carry at most 16 KiB of plaintext; small frames are gathered up to that before a write. */
    private static final int CHUNK = 16 * 1024;
    private static final int IDLE = 0;
    private static final int PROBING = 1;
    private static final int PROBED = 2;

    private final SSLSocket socket;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** IDLE, PROBING (a probe owns the input stream) or PROBED (its result waits for the reader). */
    private final AtomicInteger probe = new AtomicInteger(IDLE);
    /** The probe's result, published by the PROBED state: a byte, -1 for end of stream, or the failure. */
    private int probedByte;
    private IOException probeFailure;
    /** The thread waiting in awaitSocket, for the probe to unpark. */
    private volatile Thread waiter;

    // Reader-owned.
    private boolean eof;
    private byte[] readScratch;

    // Writer-owned (one writer at a time).
    private final byte[] writeScratch = new byte[CHUNK];

    /** @param socket connected and past its TLS handshake, layered over {@code raw} */
    TlsTransport(SSLSocket socket, Socket raw) throws IOException {
        this.socket = socket;
        this.raw = raw;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.remoteAddress = (InetSocketAddress) raw.getRemoteSocketAddress();
        this.localAddress = (InetSocketAddress) raw.getLocalSocketAddress();
        socket.setSoTimeout(0); // waits are bounded by parking, not by the socket
    }

    @Override
    int readNow(ByteBuffer dst) throws IOException {
        int state = probe.get();
        if (state == PROBING) {
            return 0; // the probe owns the stream until its byte arrives
        }
        int n = 0;
        if (state == PROBED) {
            if (probeFailure != null) {
                IOException e = probeFailure;
                probe.set(IDLE);
                if (!closed.get()) {
                    throw e;
                }
                eof = true;
            } else if (probedByte < 0) {
                eof = true;
                probe.set(IDLE);
            } else if (dst.hasRemaining()) {
                dst.put((byte) probedByte);
                probe.set(IDLE);
                n = 1;
            } else {
                return 0;
            }
        }
        if (eof || closed.get()) {
            return n > 0 ? n : -1;
        }
        try {
            int len = Math.min(in.available(), dst.remaining()); // decrypted and buffered: reading it cannot block
            if (len > 0) {
                if (dst.hasArray()) {
                    len = in.read(dst.array(), dst.arrayOffset() + dst.position(), len);
                    dst.position(dst.position() + len);
                } else {
                    if (readScratch == null) {
                        readScratch = new byte[CHUNK];
                    }
                    len = in.read(readScratch, 0, Math.min(len, CHUNK));
                    dst.put(readScratch, 0, len);
                }
                n += len;
            }
        } catch (SocketException e) {
            if (!closed.get()) {
                throw e;
            }
            return n > 0 ? n : -1; // closed by another thread: an end of stream for the reader
        }
        return n;
    }

    @Override
    void awaitSocket(long timeoutNanos) throws IOException {
        if (eof || closed.get()) {
            return;
        }
        if (probe.get() == IDLE) {
            try {
                if (in.available() > 0) {
                    return;
                }
            } catch (SocketException e) {
                if (closed.get()) {
                    return; // the next read reports the end of stream
                }
                throw e;
            }
            probe.set(PROBING);
            Thread.ofVirtual().name("shuttle-tls-probe").start(this::probe);
        }
        waiter = Thread.currentThread();
        try {
            if (probe.get() == PROBING) {
                // Any unpark ends the wait: the probe's, or the engine's.
                if (timeoutNanos > 0) {
                    LockSupport.parkNanos(this, timeoutNanos);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            waiter = null;
        }
    }

    /** The probe thread: one blocking read, then hand the result over and wake the reader. */
    private void probe() {
        try {
            probedByte = in.read();
        } catch (IOException e) {
            probeFailure = e;
        }
        probe.set(PROBED);
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Gathers small buffers into TLS-record-sized chunks; large heap buffers are written straight. */
    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        int filled = 0;
        for (ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                if (b.hasArray() && b.remaining() >= CHUNK) {
                    if (filled > 0) {
                        out.write(writeScratch, 0, filled);
                        filled = 0;
                    }
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    b.position(b.limit());
                    break;
                }
                int n = Math.min(b.remaining(), CHUNK - filled);
                b.get(writeScratch, filled, n);
                filled += n;
                if (filled == CHUNK) {
                    out.write(writeScratch, 0, filled);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            out.write(writeScratch, 0, filled);
        }
        out.flush();
    }

    /** Sends TLS close_notify and FIN after what was written; reading goes on. */
    @Override
    public void shutdownOutput() throws IOException {
        if (!closed.get()) {
            socket.shutdownOutput();
        }
    }

    /**
     * Closes the TCP socket under TLS. Not {@code SSLSocket.close()}: that sends close_notify
     * under the TLS write lock and could wait behind a writer stuck on a peer that does not read.
     * By the time the engine closes a client connection the WebSocket close handshake is over or
     * has been given up, so there is nothing more for TLS to say.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            raw.close();
        } catch (IOException e) {
            // closing anyway; nothing to do with a failure to close
        }
    }

    @Override
    public boolean isSecure() {
        return true;
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
        return "wss " + localAddress + " -> " + remoteAddress + (closed.get() ? " (closed)" : "");
    }
}
