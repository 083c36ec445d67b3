package dev.shuttle.websocket.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.shuttle.websocket.WebSocketServer;

/** The built-in listener. STUB: contract only. */
public final class Listener implements AutoCloseable {
    private Listener() {
    }

    /** Binds and starts accepting; returns once the socket is bound. */
    public static Listener start(WebSocketServer server, ListenerOptions options) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        throw new UnsupportedOperationException("stub");
    }

    public int port() {
        return address().getPort();
    }

    /** Connections currently held (in handshake or upgraded). */
    public int connectionCount() {
        throw new UnsupportedOperationException("stub");
    }

    /** Stops accepting, closes every WebSocket with 1001 and waits for them up to the close timeout; idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("stub");
    }
}
