package dev.shuttle.websocket.limit;

import java.util.Objects;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/** Hands every callback to the wrapped handler; the limits override the ones they look at. */
abstract class ForwardingHandler implements WebSocketHandler {
    final WebSocketHandler inner;

    ForwardingHandler(WebSocketHandler inner) {
        this.inner = Objects.requireNonNull(inner, "handler");
    }

    @Override
    public void onOpen(WebSocket connection) {
        inner.onOpen(connection);
    }

    @Override
    public void onData(WebSocket connection, boolean isBinary, byte[] data) {
        inner.onData(connection, isBinary, data);
    }

    @Override
    public void onPing(WebSocket connection, byte[] payload) {
        inner.onPing(connection, payload);
    }

    @Override
    public void onPong(WebSocket connection, byte[] payload) {
        inner.onPong(connection, payload);
    }

    @Override
    public void onFrame(WebSocket connection, Frame frame) {
        inner.onFrame(connection, frame);
    }

    @Override
    public void onError(WebSocket connection, Throwable error) {
        inner.onError(connection, error);
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, Throwable cause) {
        inner.onClose(connection, code, reason, cause);
    }
}
