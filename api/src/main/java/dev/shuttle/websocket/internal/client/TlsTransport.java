package dev.shuttle.websocket.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <li>{@link #awaitSocket} does a blocking read of <em>one</em> byte with {@code SO_TIMEOUT} set to
 *     the wait, and keeps that byte for the next read.</li>
 * </ul>
 * A blocked socket read does not return when the engine unparks its reader (to look at a timer
 * after a close was queued from another thread), so each wait is also cut to {@link #MAX_WAIT}:
 * that bounds how late a close timeout can fire, at the cost of one wake-up per second on an idle
 * connection. The idle cost is also the SSLSocket's own record buffers; the ws:// transport holds
 * none. Choosing an {@code SSLEngine} over the non-blocking channel would remove both costs but
 * needs its own wrap/unwrap, handshake and key-update state machine; for a client, which has few
 * connections, the simpler socket is the better trade.
 */
final class TlsTransport extends ClientTransport {
    /** The longest single wait; see the class comment. */
    static final long MAX_WAIT = TimeUnit.SECONDS.toNanos(1);
    /** TLS records carry at most 16 KiB of plaintext; small frames are gathered up to that before a write. */
    private static final int CHUNK = 16 * 1024;

    private final SSLSocket socket;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();

    // Reader-owned.
    /** The byte that awaitSocket read, or -1. */
    private int held = -1;
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
    }

    @Override
    int readNow(ByteBuffer dst) throws IOException {
        int n = 0;
        if (held >= 0 && dst.hasRemaining()) {
            dst.put((byte) held);
            held = -1;
            n = 1;
        }
        if (eof || closed.get()) {
            return n > 0 ? n : -1;
        }
        try {
            int available = in.available(); // decrypted and buffered: reading it cannot block
            int len = Math.min(available, dst.remaining());
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
        if (held >= 0 || eof || closed.get() || in.available() > 0) {
            return;
        }
        long wait = timeoutNanos <= 0 ? MAX_WAIT : Math.min(timeoutNanos, MAX_WAIT);
        try {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            int b = in.read();
            if (b < 0) {
                eof = true;
            } else {
                held = b;
            }
        } catch (SocketTimeoutException e) {
            // the wait is over; the caller looks at its timers and tries again
        } catch (SocketException e) {
            if (!closed.get()) {
                throw e;
            }
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
