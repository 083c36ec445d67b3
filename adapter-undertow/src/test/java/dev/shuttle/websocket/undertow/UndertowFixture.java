package dev.shuttle.websocket.undertow;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Transport;
import dev.shuttle.websocket.testing.ServerFixture;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;

/**
 * Undertow core on 127.0.0.1 and an ephemeral port, Shuttle's handler at every path, with the
 * request-head guard of the README ({@link UndertowWebSocket#guardRequestHeads}). Few threads:
 * the machine is shared and the cases need no more.
 */
final class UndertowFixture implements ServerFixture {
    private final SSLContext ssl;
    private final Function<WebSocketServer, HttpHandler> root;
    private int containerHeadBytes;
    private Undertow undertow;

    UndertowFixture() {
        this(null, ResponseCodeHandler.HANDLE_404, UnaryOperator.identity());
    }

    /**
     * @param ssl an HTTPS listener with this context instead of plain HTTP, or null
     * @param root Undertow's root handler for the server under test
     */
    UndertowFixture(SSLContext ssl, Function<WebSocketServer, HttpHandler> root) {
        this.ssl = ssl;
        this.root = root;
    }

    /**
     * @param ssl an HTTPS listener with this context instead of plain HTTP, or null
     * @param next what non-WebSocket requests get
     * @param decorate wraps each transport (to watch the engine's calls)
     */
    UndertowFixture(SSLContext ssl, HttpHandler next, UnaryOperator<Transport> decorate) {
        this(ssl, server -> new UndertowWebSocket.UpgradeHandler(server, next, decorate));
    }

    /**
     * The request head size the container accepts, instead of the server's
     * {@code maxRequestHeadBytes}: larger, to show Shuttle's own 431 behind the container.
     */
    UndertowFixture containerHeadLimit(int bytes) {
        this.containerHeadBytes = bytes;
        return this;
    }

    @Override
    public URI start(WebSocketServer server) {
        Undertow.Builder b = Undertow.builder()
                .setIoThreads(2)
                .setWorkerThreads(4)
                .setHandler(root.apply(server));
        UndertowWebSocket.guardRequestHeads(b,
                containerHeadBytes > 0 ? containerHeadBytes : server.options().maxRequestHeadBytes(),
                server.options().handshakeTimeout());
        if (ssl == null) {
            b.addHttpListener(0, "127.0.0.1");
        } else {
            b.addHttpsListener(0, "127.0.0.1", ssl);
        }
        undertow = b.build();
        undertow.start();
        InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        return URI.create((ssl == null ? "ws" : "wss") + "://127.0.0.1:" + address.getPort() + "/");
    }

    @Override
    public void stop() {
        Undertow u = undertow;
        undertow = null;
        if (u != null) {
            u.stop();
        }
    }
}
