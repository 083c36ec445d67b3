package dev.shuttle.websocket.testing;

import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;

/**
 * Mounts a {@link WebSocketServer} on one transport for the {@link TransportContract}: the
 * built-in listener, or an adapter on Jetty, a Servlet container or Undertow.
 */
public interface ServerFixture {
    /**
     * Starts a server on a free loopback port with the WebSocket endpoint at every path.
     *
     * @return {@code ws://127.0.0.1:PORT/}
     */
    URI start(WebSocketServer server) throws Exception;

    /**
     * Whether an idle connection's reader gives its thread up on this transport
     * ({@code Transport.canHandOverReads}); the {@link RetirementCases} check either answer.
     *
     * @return true unless the transport keeps a parked reader per idle connection
     */
    default boolean readerRetires() {
        return true;
    }

    /** Stops what {@link #start} started; idempotent. */
    void stop() throws Exception;
}
