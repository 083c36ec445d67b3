package dev.shuttle.websocket;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.shuttle.websocket.internal.session.LambdaHandler;

/**
 * What a server and a client are both configured with: the callbacks (one by one, or a whole
 * {@link WebSocketHandler}) and the {@link Options}. Callbacks left unset do nothing; pings are
 * answered either way.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract sealed class EndpointBuilder<B extends EndpointBuilder<B>>
        permits WebSocketServer.Builder, WebSocketClient.Builder {
    private final LambdaHandler lambdas = new LambdaHandler();
    private WebSocketHandler handler;
    private Options options = Options.defaults();

    EndpointBuilder() {
    }

    abstract B self();

    /**
     * Uses a whole handler instead of the single callbacks below (they are then ignored).
     *
     * @param handler every callback at once
     * @return this builder
     */
    public B handler(WebSocketHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        return self();
    }

    /**
     * See {@link WebSocketHandler#onOpen}.
     *
     * @param onOpen runs once per connection, first
     * @return this builder
     */
    public B onOpen(Consumer<WebSocket> onOpen) {
        lambdas.onOpen = Objects.requireNonNull(onOpen);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onData}.
     *
     * @param onData runs for each whole message, on the connection's reader
     * @return this builder
     */
    public B onData(WebSocketHandler.DataCallback onData) {
        lambdas.onData = Objects.requireNonNull(onData);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onPing}.
     *
     * @param onPing runs for each ping, after its pong was queued
     * @return this builder
     */
    public B onPing(BiConsumer<WebSocket, byte[]> onPing) {
        lambdas.onPing = Objects.requireNonNull(onPing);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onPong}.
     *
     * @param onPong runs for each pong
     * @return this builder
     */
    public B onPong(BiConsumer<WebSocket, byte[]> onPong) {
        lambdas.onPong = Objects.requireNonNull(onPong);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onFrame}.
     *
     * @param onFrame runs for each frame as received, before the other callbacks
     * @return this builder
     */
    public B onFrame(BiConsumer<WebSocket, Frame> onFrame) {
        lambdas.onFrame = Objects.requireNonNull(onFrame);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onError}.
     *
     * @param onError runs when the peer, a callback or the transport failed; onClose follows
     * @return this builder
     */
    public B onError(BiConsumer<WebSocket, Throwable> onError) {
        lambdas.onError = Objects.requireNonNull(onError);
        return self();
    }

    /**
     * See {@link WebSocketHandler#onClose}.
     *
     * @param onClose runs exactly once per connection, last
     * @return this builder
     */
    public B onClose(WebSocketHandler.CloseCallback onClose) {
        lambdas.onClose = Objects.requireNonNull(onClose);
        return self();
    }

    /**
     * Limits, timeouts and compression of every connection (on a client, {@link Options#handshakeTimeout()} bounds TLS and the HTTP upgrade together).
     *
     * @param options the options
     * @return this builder
     */
    public B options(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        return self();
    }

    final WebSocketHandler builtHandler() {
        return handler != null ? handler : lambdas;
    }

    final Options builtOptions() {
        return options;
    }
}
