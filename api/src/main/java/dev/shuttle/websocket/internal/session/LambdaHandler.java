package dev.shuttle.websocket.internal.session;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/** A {@link WebSocketHandler} assembled from the single callbacks of a builder. */
public final class LambdaHandler implements WebSocketHandler {
    public Consumer<WebSocket> onOpen;
    public DataCallback onData;
    public BiConsumer<WebSocket, byte[]> onPing;
    public BiConsumer<WebSocket, byte[]> onPong;
    public BiConsumer<WebSocket, Frame> onFrame;
    public BiConsumer<WebSocket, Throwable> onError;
    public CloseCallback onClose;

    @Override
    public void onOpen(WebSocket c) {
        if (onOpen != null) {
            onOpen.accept(c);
        }
    }

    @Override
    public void onData(WebSocket c, boolean isBinary, byte[] data) {
        if (onData != null) {
            onData.onData(c, isBinary, data);
        }
    }

    @Override
    public void onPing(WebSocket c, byte[] payload) {
        if (onPing != null) {
            onPing.accept(c, payload);
        }
    }

    @Override
    public void onPong(WebSocket c, byte[] payload) {
        if (onPong != null) {
            onPong.accept(c, payload);
        }
    }

    @Override
    public void onFrame(WebSocket c, Frame frame) {
        if (onFrame != null) {
            onFrame.accept(c, frame);
        }
    }

    @Override
    public void onError(WebSocket c, Throwable error) {
        if (onError != null) {
            onError.accept(c, error);
        }
    }

    @Override
    public void onClose(WebSocket c, int code, String reason, Throwable cause) {
        if (onClose != null) {
            onClose.onClose(c, code, reason, cause);
        }
    }
}
