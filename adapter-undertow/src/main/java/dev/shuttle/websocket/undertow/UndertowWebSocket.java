package dev.shuttle.websocket.undertow;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Transport;
import dev.shuttle.websocket.spi.Upgrade;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Mounts a {@link WebSocketServer} on Undertow core:
 * <pre>{@code
 * Undertow.builder()
 *     .addHttpListener(8080, "0.0.0.0")
 *     .setHandler(UndertowWebSocket.handler(ws, Handlers.path().addPrefixPath("/static", files)))
 *     .build().start();
 * }</pre>
 * Requests that ask for {@code Upgrade: websocket} are decided by {@link WebSocketServer#upgrade}
 * and, when accepted, taken over with {@link HttpServerExchange#upgradeChannel}; everything else
 * goes to {@code next}. Use {@code Handlers.path()} around it to serve WebSocket on one path only.
 * <p>
 * The decision runs on a virtual thread, not on Undertow's IO thread, because the server's
 * {@code UpgradeHook} may block. Undertow's {@code UndertowOptions.IDLE_TIMEOUT} (unset by
 * default) and XNIO's read/write timeouts also govern upgraded connections: leave them unset,
 * or above Shuttle's own idle and ping settings.
 */
public final class UndertowWebSocket {
    private UndertowWebSocket() {
    }

    /**
     * A handler that upgrades WebSocket requests and answers anything else with 404.
     *
     * @param server the server that decides on each upgrade
     * @return the handler
     */
    public static HttpHandler handler(WebSocketServer server) {
        return handler(server, ResponseCodeHandler.HANDLE_404);
    }

    /**
     * A handler that upgrades WebSocket requests and passes anything else to {@code next}.
     *
     * @param server the server that decides on each upgrade
     * @param next the application's handler for everything else
     * @return the handler
     */
    public static HttpHandler handler(WebSocketServer server, HttpHandler next) {
        return new UpgradeHandler(server, next, UnaryOperator.identity());
    }

    /**
     * Bounds the request heads Undertow accepts, with the server's own limits (see the README's
     * table): {@link #guardRequestHeads(Undertow.Builder, int, Duration)} with
     * {@code options.maxRequestHeadBytes()} and {@code options.handshakeTimeout()}.
     *
     * @param builder Undertow's builder
     * @param options the server's options
     * @return the builder
     */
    public static Undertow.Builder guardRequestHeads(Undertow.Builder builder, Options options) {
        return guardRequestHeads(builder, options.maxRequestHeadBytes(), options.handshakeTimeout());
    }

    /**
     * Bounds slow and huge request heads before Shuttle sees the request (Undertow parses the
     * head, and by default accepts 1 MiB of it, for as long as the peer takes):
     * {@code MAX_HEADER_SIZE} (the head is refused beyond), {@code REQUEST_PARSE_TIMEOUT} (from
     * the first byte of a request to its complete head) and {@code NO_REQUEST_TIMEOUT} (a
     * connection that sends no request at all). Neither timer applies to an upgraded WebSocket;
     * a zero {@code headTimeout} leaves them unset. Applies to every listener of the builder,
     * servlet deployments included.
     *
     * @param builder Undertow's builder
     * @param maxHeadBytes the largest request head, in bytes
     * @param headTimeout the parse and no-request timeouts
     * @return the builder
     */
    public static Undertow.Builder guardRequestHeads(Undertow.Builder builder, int maxHeadBytes, Duration headTimeout) {
        builder.setServerOption(UndertowOptions.MAX_HEADER_SIZE, maxHeadBytes);
        if (!headTimeout.isZero()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, headTimeout.toMillis()));
            builder.setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis);
            builder.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis);
        }
        return builder;
    }

    /** True when the request asks for a WebSocket upgrade (the {@code Upgrade} header names it). */
    static boolean asksForWebSocket(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.UPGRADE);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String token : value.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The handler. {@code decorate} wraps each transport before the engine gets it; tests use it
     * to watch the calls, production passes identity.
     */
    static final class UpgradeHandler implements HttpHandler {
        private static final System.Logger LOG = System.getLogger(UndertowWebSocket.class.getName());
        private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("shuttle-undertow-upgrade").start(task);

        private final WebSocketServer server;
        private final HttpHandler next;
        private final UnaryOperator<Transport> decorate;

        UpgradeHandler(WebSocketServer server, HttpHandler next, UnaryOperator<Transport> decorate) {
            this.server = Objects.requireNonNull(server, "server");
            this.next = Objects.requireNonNull(next, "next");
            this.decorate = decorate;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            // HTTP/2 has no Upgrade (RFC 9113 §8.2.2); RFC 8441's CONNECT is not supported here.
            if (!asksForWebSocket(exchange) || Protocols.HTTP_2_0.equals(exchange.getProtocol())) {
                next.handleRequest(exchange);
                return;
            }
            if (exchange.isInIoThread()) {
                exchange.dispatch(VIRTUAL, this::upgrade);
                return;
            }
            upgrade(exchange);
        }

        /**
         * The decision runs on a virtual thread (the upgrade hook may block); the response goes
         * back to the connection's IO thread. Writing it allocates from Undertow's buffer pool,
         * which keeps a cache per allocating thread: from a fresh virtual thread per upgrade
         * that left a 16 KiB direct buffer behind per connection (and more with churn).
         */
        private void upgrade(HttpServerExchange exchange) {
            Upgrade upgrade = ExchangeRequest.decide(server, exchange);
            if (Thread.currentThread().isVirtual()) {
                exchange.dispatch(exchange.getIoThread(), () -> respond(exchange, upgrade));
            } else {
                respond(exchange, upgrade); // Undertow's IO or worker thread: a bounded set of caches
            }
        }

        private void respond(HttpServerExchange exchange, Upgrade upgrade) {
            HeaderMap responseHeaders = exchange.getResponseHeaders();
            for (Map.Entry<String, String> h : upgrade.headers().entrySet()) {
                responseHeaders.put(new HttpString(h.getKey()), h.getValue());
            }
            if (!upgrade.accepted()) {
                exchange.setStatusCode(upgrade.status());
                if ("close".equalsIgnoreCase(upgrade.headers().get("Connection"))) {
                    exchange.setPersistent(false);
                }
                if (!responseHeaders.contains(Headers.CONTENT_TYPE)) {
                    responseHeaders.put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
                }
                exchange.getResponseSender().send(upgrade.body());
                return;
            }
            // Sets 101 and Connection: Upgrade; handover runs once the 101 has been flushed.
            exchange.upgradeChannel((connection, ex) -> handover(upgrade, connection, ex));
            exchange.endExchange();
        }

        /** Runs where Undertow completes the exchange, usually its IO thread: must not block. */
        private void handover(Upgrade upgrade, StreamConnection connection, HttpServerExchange exchange) {
            try {
                UndertowTransport transport = new UndertowTransport(connection, takeExtraBytes(exchange.getConnection()));
                exchange.getConnection().addCloseListener(c -> transport.connectionClosed());
                upgrade.start(decorate.apply(transport));
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "starting a WebSocket connection on Undertow failed", e);
                IoUtils.safeClose(connection);
            }
        }

        /**
         * Bytes the HTTP parser read past the request head. Undertow would serve them through a
         * {@code ReadDataStreamSourceConduit}, but its pooled buffer is also released by
         * Undertow's close listener on whatever thread closes, racing our reader; a heap copy,
         * made here before the reader starts, has one owner.
         */
        private static ByteBuffer takeExtraBytes(ServerConnection connection) {
            if (!(connection instanceof AbstractServerConnection asc)) {
                return null;
            }
            PooledByteBuffer extra = asc.getExtraBytes();
            if (extra == null) {
                return null;
            }
            try {
                ByteBuffer b = extra.getBuffer();
                ByteBuffer copy = ByteBuffer.allocate(b.remaining());
                copy.put(b).flip();
                return copy;
            } finally {
                asc.setExtraBytes(null);
                extra.close();
            }
        }
    }
}
