package dev.shuttle.websocket.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the handler sits in a Jetty application: the next handler, 404, a context path, Jetty's idle timeout. */
class JettyHandlerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        http.close();
        if (jetty != null) {
            jetty.stop();
        }
    }

    private int start(Handler handler, long idleTimeoutMillis) throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(idleTimeoutMillis);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.start();
        return connector.getLocalPort();
    }

    private static WebSocketServer echo(CompletableFuture<WebSocket> opened) {
        return WebSocketServer.builder().onOpen(opened::complete)
                .onData((c, binary, data) -> c.write(new String(data, StandardCharsets.UTF_8))).build();
    }

    private static Handler page(String body) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                    org.eclipse.jetty.util.Callback callback) {
                response.setStatus(200);
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        };
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(30)
    void plainRequestsGoToTheNextHandlerAndUpgradesToShuttle() throws Exception {
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        int port = start(JettyWebSocket.handler(echo(opened), page("the page")), 30_000);
        assertEquals("the page", get(port, "/").body());
        try (JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + port + "/"))) {
            c.sendText("hi");
            assertEquals("hi", c.nextMessage().text());
        }
    }

    @Test
    @Timeout(30)
    void withoutANextHandlerPlainRequestsAre404() throws Exception {
        int port = start(JettyWebSocket.handler(echo(new CompletableFuture<>())), 30_000);
        assertEquals(404, get(port, "/").statusCode());
    }

    @Test
    @Timeout(30)
    void mountedOnAContextPath() throws Exception {
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        int port = start(new ContextHandlerCollection(
                new ContextHandler(JettyWebSocket.handler(echo(opened)), "/ws"),
                new ContextHandler(page("app"), "/app")), 30_000);
        assertEquals("app", get(port, "/app/").body());
        // An upgrade outside /ws never reaches Shuttle.
        assertEquals(404, RawClient.to(URI.create("ws://127.0.0.1:" + port + "/elsewhere")).exchange().status());
        try (JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws/chat?room=1"))) {
            c.sendText("in context");
            assertEquals("in context", c.nextMessage().text());
            assertEquals("/ws/chat", opened.get().path(), "the full path, context path included");
            assertEquals("1", opened.get().request().queryParameter("room"));
        }
    }

    /**
     * Jetty's connector idle timeout (200 ms here) must not end an upgraded connection: the
     * connection stays quiet until Shuttle's own idle timeout (1 s) closes it with 1001.
     */
    @Test
    @Timeout(30)
    void jettyIdleTimeoutDoesNotApplyShuttlesDoes() throws Exception {
        WebSocketServer ws = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().idleTimeout(Duration.ofSeconds(1)).build()).build();
        int port = start(JettyWebSocket.handler(ws), 200);
        try (RawClient c = RawClient.connect(URI.create("ws://127.0.0.1:" + port + "/"))) {
            c.expectClose(1001);
        }
    }
}
