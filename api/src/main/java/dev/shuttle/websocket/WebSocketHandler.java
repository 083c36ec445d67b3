package dev.shuttle.websocket;

/**
 * Callbacks of a connection. They run on the connection's reader (a virtual thread), one at a
 * time and never concurrently for one connection, so they may block; a slow callback slows only
 * its own connection. Each method has a no-op default.
 */
public interface WebSocketHandler {
    /** {@code onData(connection, isBinary, data)}, for builders' {@code onData(...)}. */
    @FunctionalInterface
    interface DataCallback {
        /**
         * See {@link WebSocketHandler#onData}.
         *
         * @param connection the connection
         * @param isBinary true for a binary message, false for text
         * @param data the message, a fresh array
         */
        void onData(WebSocket connection, boolean isBinary, byte[] data);
    }

    /** {@code onClose(connection, code, reason, cause)}, for builders' {@code onClose(...)}. */
    @FunctionalInterface
    interface CloseCallback {
        /**
         * See {@link WebSocketHandler#onClose}.
         *
         * @param connection the connection
         * @param code the close code
         * @param reason the reason
         * @param cause what went wrong, or {@code null}
         */
        void onClose(WebSocket connection, int code, String reason, Throwable cause);
    }

    /**
     * The connection is open; it may be written to from here on.
     *
     * @param connection the new connection
     */
    default void onOpen(WebSocket connection) {
    }

    /**
     * A whole message arrived (fragments joined). Text is guaranteed valid UTF-8.
     *
     * @param connection the connection
     * @param isBinary true for a binary message, false for text
     * @param data a fresh array owned by the callee
     */
    default void onData(WebSocket connection, boolean isBinary, byte[] data) {
    }

    /**
     * A ping arrived; the pong has already been queued.
     *
     * @param connection the connection
     * @param payload the ping's payload (at most 125 bytes)
     */
    default void onPing(WebSocket connection, byte[] payload) {
    }

    /**
     * A pong arrived.
     *
     * @param connection the connection
     * @param payload the pong's payload; for Shuttle's automatic pings, the RTT is in {@link WebSocket#rtt()}
     */
    default void onPong(WebSocket connection, byte[] payload) {
    }

    /**
     * Every frame as received (unmasked, validated), before the library acts on it: the raw layer
     * under the other callbacks, which still run. A frame of a compressed message
     * (permessage-deflate) arrives as on the wire: RSV1 on the first one and the compressed
     * payload; {@code onData} gets the inflated message.
     *
     * @param connection the connection
     * @param frame the frame
     */
    default void onFrame(WebSocket connection, Frame frame) {
    }

    /**
     * Something failed: the peer broke the protocol, a callback threw, or the transport failed.
     * {@code onClose} follows with the code that was sent or observed.
     *
     * @param connection the connection
     * @param error the failure; a {@link WebSocketException} carries the close code sent
     */
    default void onError(WebSocket connection, Throwable error) {
    }

    /**
     * The connection is closed; runs exactly once, last.
     *
     * @param connection the connection, no longer open
     * @param code   the peer's close code, the one we sent if we closed first, or 1006 when the
     *               connection dropped without a close handshake
     * @param reason the close reason, possibly empty
     * @param cause  what went wrong, or {@code null} after a clean close handshake
     */
    default void onClose(WebSocket connection, int code, String reason, Throwable cause) {
    }
}
