package dev.shuttle.websocket.jetty;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Upgrade;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Shuttle on a Jetty 12 core server (no servlet): a {@link Handler} that answers WebSocket
 * upgrade requests with the {@link WebSocketServer}'s decision and, on a 101, hands the
 * connection's byte stream to Shuttle through Jetty's own connection upgrade.
 * <pre>{@code
 * Server jetty = new Server(8080);
 * jetty.setHandler(JettyWebSocket.handler(ws, appHandler));              // upgrades at every path
 * // or only under /ws, the rest of the application beside it:
 * jetty.setHandler(new ContextHandlerCollection(
 *         new ContextHandler(JettyWebSocket.handler(ws), "/ws"), appContext));
 * jetty.start();
 * }</pre>
 * Works over HTTP/1.1, plain or TLS (an {@code SslConnectionFactory} in front of the HTTP one
 * gives wss). WebSocket over HTTP/2 (RFC 8441) is not supported: such requests get a 400.
 * <p>
 * Once upgraded, Jetty's idle timeout no longer applies to the connection; Shuttle's
 * {@code idleTimeout} and {@code pingInterval} options do.
 */
public final class JettyWebSocket {
    private JettyWebSocket() {
    }

    /**
     * A handler that upgrades WebSocket requests and declines every other request (Jetty then
     * answers 404, or the next handler of a {@code Handler.Sequence} gets it).
     *
     * @param server the server that decides on each upgrade
     * @return the handler
     */
    public static Handler handler(WebSocketServer server) {
        return new UpgradeHandler(server, null);
    }

    /**
     * A handler that upgrades WebSocket requests and passes every other request to {@code next}.
     *
     * @param server the server that decides on each upgrade
     * @param next the application's handler for everything else
     * @return the handler
     */
    public static Handler handler(WebSocketServer server, Handler next) {
        return new UpgradeHandler(server, Objects.requireNonNull(next, "next"));
    }

    /**
     * Bounds the request heads a connector accepts, with the server's own limits (see the
     * README's table): {@link #guardRequestHeads(AbstractConnector, int, Duration)} with
     * {@code options.maxRequestHeadBytes()} and {@code options.handshakeTimeout()}.
     *
     * @param connector the connector, not yet started
     * @param options the server's options
     */
    public static void guardRequestHeads(AbstractConnector connector, Options options) {
        guardRequestHeads(connector, options.maxRequestHeadBytes(), options.handshakeTimeout());
    }

    /**
     * Bounds slow and huge request heads on a connector, before Shuttle sees the request (Jetty
     * parses the head, so only Jetty can stop it): the {@code HttpConfiguration}'s request header
     * size (431 beyond), the connector's idle timeout, and a deadline from the connection's
     * opening to its first complete request head, after which the connection is closed (the idle
     * timeout alone is reset by every byte of a dripping peer). Call before the server starts.
     * The idle timeout also applies to the application's plain HTTP exchanges, never to an
     * upgraded WebSocket; a zero {@code headTimeout} leaves both timers as they are.
     *
     * @param connector the connector, not yet started
     * @param maxHeadBytes the largest request head, in bytes
     * @param headTimeout the idle timeout and first-head deadline
     */
    public static void guardRequestHeads(AbstractConnector connector, int maxHeadBytes, Duration headTimeout) {
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http == null) {
            throw new IllegalArgumentException("no HTTP/1.1 connection factory on " + connector);
        }
        http.getHttpConfiguration().setRequestHeaderSize(maxHeadBytes);
        if (!headTimeout.isZero()) {
            connector.setIdleTimeout(headTimeout.toMillis());
            connector.addBean(new HeadDeadline(connector.getScheduler(), headTimeout.toNanos()));
        }
    }

    /**
     * Whether the request asks for a WebSocket: an {@code Upgrade} header naming
     * {@code websocket}. Whether it is a valid one is {@link WebSocketServer#upgrade}'s call.
     *
     * @param request Jetty's request
     * @return whether it asks for a WebSocket
     */
    public static boolean isWebSocketUpgrade(Request request) {
        for (String value : request.getHeaders().getValuesList(HttpHeader.UPGRADE)) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Answers an upgrade request: the server's refusal (status, headers, plain-text body), or a
     * 101 after which Jetty hands the connection to Shuttle. Completes {@code callback} either way.
     *
     * @param server the server that decides
     * @param request the upgrade request
     * @param response where the answer goes
     * @param callback Jetty's callback for the exchange
     */
    public static void upgrade(WebSocketServer server, Request request, Response response, Callback callback) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        if (meta.getHttpVersion() != HttpVersion.HTTP_1_1) {
            // RFC 6455 §4.1 needs HTTP/1.1; HTTP/1.0 has no upgrade and HTTP/2 has none of this kind.
            refuse(response, callback, 400, Map.of(), "WebSocket needs HTTP/1.1");
            return;
        }
        Upgrade upgrade = JettyRequestView.decide(server, request);
        if (!upgrade.accepted()) {
            refuse(response, callback, upgrade.status(), upgrade.headers(), upgrade.body());
            return;
        }
        handOverAfterResponse(request, upgrade);
        response.setStatus(101);
        HttpFields.Mutable headers = response.getHeaders();
        upgrade.headers().forEach(headers::put);
        // Completing the exchange writes the 101; Jetty then swaps in our connection.
        callback.succeeded();
    }

    /**
     * The byte-stream handover alone, for adapters that write the 101 themselves (the servlet
     * adapter on Jetty ee10): once the response to {@code request} completes with status 101,
     * Jetty replaces its HTTP connection with one that runs {@code upgrade}. {@code request} must
     * be the core request of an HTTP/1.1 exchange (on ee10: {@code ServletContextRequest}).
     *
     * @param request the core request
     * @param upgrade the server's accepted decision
     */
    public static void handOverAfterResponse(Request request, Upgrade upgrade) {
        if (!upgrade.accepted()) {
            throw new IllegalArgumentException("not an accepted upgrade: " + upgrade.status());
        }
        ConnectionMetaData meta = request.getConnectionMetaData();
        JettyConnection connection = new JettyConnection(meta.getConnection().getEndPoint(),
                meta.getConnector().getExecutor(), upgrade, meta.isSecure());
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, connection);
    }

    private static void refuse(Response response, Callback callback, int status, Map<String, String> headers, String body) {
        response.setStatus(status);
        HttpFields.Mutable fields = response.getHeaders();
        headers.forEach(fields::put);
        fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
    }

    /** Upgrades WebSocket requests; the rest go to the wrapped handler, if any. */
    private static final class UpgradeHandler extends Handler.Wrapper {
        private final WebSocketServer server;

        UpgradeHandler(WebSocketServer server, Handler next) {
            super(next);
            this.server = Objects.requireNonNull(server, "server");
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!isWebSocketUpgrade(request)) {
                return super.handle(request, response, callback); // false without a next handler
            }
            upgrade(server, request, response, callback);
            return true;
        }

        /** The application's upgrade hook may block (authentication): never run us on a selector thread. */
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
        }
    }
}
