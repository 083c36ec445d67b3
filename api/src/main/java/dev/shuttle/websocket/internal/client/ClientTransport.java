package dev.shuttle.websocket.internal.client;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.shuttle.websocket.internal.io.PushbackTransport;
import dev.shuttle.websocket.spi.Transport;

/**
 * The pushback half of the wss:// transport ({@link TlsTransport}): bytes that the handshake
 * read past the 101 head belong to the WebSocket stream, so they are handed out before anything
 * read from the socket. (ws:// uses the listener's {@code SocketChannelTransport}.)
 * <p>
 * Threads: reads from one thread at a time (first the connecting thread, then the engine's
 * reader, with the start of the reader as the hand-over); writes from one thread at a time.
 */
abstract class ClientTransport implements PushbackTransport {
    /** Bytes read with the response head; reader thread only. */
    private ByteBuffer pending;

    @Override
    public final void unread(ByteBuffer bytes) {
        if (bytes != null && bytes.hasRemaining()) {
            pending = bytes;
        }
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
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
        return readNow(dst);
    }

    @Override
    public final void awaitReadable(long timeoutNanos) throws IOException {
        if (pending == null) {
            awaitSocket(timeoutNanos);
        }
    }

    /** Reads what the socket has now, without waiting; -1 at end of stream or once closed. */
    abstract int readNow(ByteBuffer dst) throws IOException;

    /** Waits for the socket as {@link Transport#awaitReadable} describes. */
    abstract void awaitSocket(long timeoutNanos) throws IOException;
}
