package dev.shuttle.websocket.spi;

import java.util.Map;

import dev.shuttle.websocket.WebSocket;

/**
 * The server's answer to an upgrade request ({@code WebSocketServer.upgrade}): an adapter writes
 * {@link #status()} with {@link #headers()} through its server's response API, and then, when
 * {@link #accepted()}, hands the byte stream to {@link #start(Transport)}. When not accepted,
 * {@link #body()} is a short plain-text explanation.
 */
public interface Upgrade {
    /** {@return true for a 101 Switching Protocols} */
    boolean accepted();

    /** {@return 101, or the HTTP error status (400, 403, 426, or the hook's)} */
    int status();

    /** {@return the response headers to send (Upgrade, Connection, Sec-WebSocket-Accept, ... or error headers)} */
    Map<String, String> headers();

    /** {@return plain-text body for a refusal; empty for a 101} */
    String body();

    /**
     * Starts the connection on the upgraded byte stream: runs onOpen and the reader on a new virtual thread.
     *
     * @param transport the upgraded byte stream
     * @return the open connection
     * @throws IllegalStateException on a refusal
     */
    WebSocket start(Transport transport);

    /**
     * A refusal an adapter decides before asking the server (431 for an oversized head): its
     * headers ask the container to close the connection after the response, so a peer that sent
     * too much does not keep it open for another request.
     *
     * @param status 400 to 599
     * @param body the plain-text body
     * @return the refusal
     * @throws IllegalArgumentException for another status
     */
    static Upgrade refusal(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return new Refusal(status, body);
    }
}
