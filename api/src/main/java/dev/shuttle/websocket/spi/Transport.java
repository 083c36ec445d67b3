package dev.shuttle.websocket.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The byte stream under one upgraded connection, as an adapter hands it over. The engine reads
 * from one thread (the connection's reader) and writes from one thread at a time (the current
 * drainer); {@link #close()} may come from any thread.
 * <p>
 * Readiness is separate from reading so that an idle connection holds no read buffer: the engine
 * waits in {@link #awaitReadable}, then borrows a buffer and calls {@link #read}.
 */
public interface Transport {
    /**
     * Reads what is available now without waiting; bytes the server read past the upgrade
     * request come first.
     *
     * @return the number of bytes read, 0 when nothing is available, -1 at end of stream
     * @param dst where the bytes go
     * @throws IOException when the connection failed
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Parks the calling thread until {@link #read} may return data or end of stream, or until
     * the timeout passes. It may return early for no reason: callers try a read and wait again.
     * <p>
     * It must wait with {@link java.util.concurrent.locks.LockSupport#park} (or {@code parkNanos})
     * and return on any unpark: the engine wakes its reader with {@code LockSupport.unpark} when a
     * close is queued from another thread, so that the close timeout starts. A wait on a
     * {@code Condition} or a future would sleep through that.
     *
     * @param timeoutNanos the longest wait; 0 or less means no limit
     * @throws IOException when the connection failed
     */
    void awaitReadable(long timeoutNanos) throws IOException;

    /**
     * Writes all remaining bytes of the buffers, in order, blocking the calling thread as needed.
     *
     * @param buffers the bytes, in order
     * @throws IOException when the connection failed or was closed
     */
    void write(ByteBuffer[] buffers) throws IOException;

    /**
     * Whether {@link #writeNow} works: then the thread that queues a frame writes it itself when
     * nobody else is writing, and a writer thread is needed only for what the socket did not take.
     *
     * @return whether {@link #writeNow} may be called; false by default
     */
    default boolean writesWithoutWaiting() {
        return false;
    }

    /**
     * Writes, in order, as many bytes of {@code buffers[offset .. offset+length)} as the transport
     * takes now, without waiting; any thread, one writer at a time (like {@link #write}).
     *
     * @param buffers the bytes, in order
     * @param offset the first buffer to write
     * @param length how many buffers from {@code offset}
     * @return the number of bytes written, possibly 0
     * @throws IOException when the connection failed or was closed
     * @throws UnsupportedOperationException unless {@link #writesWithoutWaiting()}
     */
    default long writeNow(ByteBuffer[] buffers, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("this transport cannot write without waiting");
    }

    /**
     * Whether {@link #onReadable} can work: then an idle connection's reader gives its thread up.
     *
     * @return whether {@link #onReadable} may install a callback; false by default
     */
    default boolean canHandOverReads() {
        return false;
    }

    /**
     * Instead of a thread parked in {@link #awaitReadable}: the next time {@link #read} may return
     * data or end of stream (the transport closed included), the transport runs {@code onReadable}
     * once, on a thread of its own that must not be blocked (the engine only starts its reader
     * there). The engine calls it from its reader thread, at a frame boundary, when the connection
     * has been idle for a while; the thread then ends, so an idle connection holds none.
     *
     * @param onReadable what to run, once, when input may be there
     * @return false when the transport cannot do this (the default) or when input may already be
     *         there: the caller then reads or waits as before, and {@code onReadable} never runs
     */
    default boolean onReadable(Runnable onReadable) {
        return false;
    }

    /**
     * Half-closes: sends FIN after what was written, while reading goes on. Used after failing a
     * connection so the peer gets our close frame and the unread bytes it is still sending do
     * not make the kernel reset the connection. The default closes altogether.
     *
     * @throws IOException when half-closing failed; the engine then closes
     */
    default void shutdownOutput() throws IOException {
        close();
    }

    /** Closes the connection; idempotent, callable from any thread; wakes a blocked reader or writer with an exception or end of stream. */
    void close();

    /**
     * The peer's IP address and port; for a UNIX-domain connection see {@link #remoteSocketAddress()}.
     *
     * @return the peer's address, or null when unknown
     */
    InetSocketAddress remoteAddress();

    /** {@return this side's address, or null when unknown} */
    InetSocketAddress localAddress();

    /**
     * The peer's address as the socket reports it: an {@code InetSocketAddress}, or a
     * {@link java.net.UnixDomainSocketAddress} on a UNIX domain socket, where
     * {@link #remoteAddress()} is an unresolved {@code unix:0} instead.
     *
     * @return the peer's socket address; by default {@link #remoteAddress()}
     */
    default SocketAddress remoteSocketAddress() {
        return remoteAddress();
    }

    /**
     * Our end's address as the socket reports it (see {@link #remoteSocketAddress()}).
     *
     * @return this side's socket address; by default {@link #localAddress()}
     */
    default SocketAddress localSocketAddress() {
        return localAddress();
    }

    /** {@return whether the connection is encrypted (wss)} */
    default boolean isSecure() {
        return false;
    }
}
