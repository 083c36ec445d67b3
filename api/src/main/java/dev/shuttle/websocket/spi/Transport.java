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
     */
    void awaitReadable(long timeoutNanos) throws IOException;

    /** Writes all remaining bytes of the buffers, in order, blocking the calling thread as needed. */
    void write(ByteBuffer[] buffers) throws IOException;

    /**
     * Half-closes: sends FIN after what was written, while reading goes on. Used after failing a
     * connection so the peer gets our close frame and the unread bytes it is still sending do
     * not make the kernel reset the connection. The default closes altogether.
     */
    default void shutdownOutput() throws IOException {
        close();
    }

    /** Closes the connection; idempotent, callable from any thread; wakes a blocked reader or writer with an exception or end of stream. */
    void close();

    /** The peer's IP address and port; for a UNIX-domain connection see {@link #remoteSocketAddress()}. */
    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * The peer's address as the socket reports it: an {@code InetSocketAddress}, or a
     * {@link java.net.UnixDomainSocketAddress} on a UNIX domain socket, where
     * {@link #remoteAddress()} is an unresolved {@code unix:0} instead. The default is
     * {@link #remoteAddress()}.
     */
    default SocketAddress remoteSocketAddress() {
        return remoteAddress();
    }

    /** Our end's address as the socket reports it (see {@link #remoteSocketAddress()}); the default is {@link #localAddress()}. */
    default SocketAddress localSocketAddress() {
        return localAddress();
    }

    /** Whether the connection is encrypted (wss). */
    default boolean isSecure() {
        return false;
    }
}
