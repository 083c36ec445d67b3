package dev.shuttle.websocket.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.PrometheusText;
import dev.shuttle.websocket.testing.RawClient;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link JettyMetrics} in front of the upgrade handler: the same /metrics and /health as the built-in listener. */
class JettyMetricsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        http.close();
        if (jetty != null) {
            jetty.stop();
        }
    }

    @Test
    @Timeout(30)
    void servesMetricsAndHealthCountedOnJetty() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        WebSocketServer ws = WebSocketServer.builder().metrics(metrics)
                .upgradeHook((request, attributes) -> {
                    if (request.header("Authorization") == null) {
                        throw new UpgradeRejectedException(401, "no token");
                    }
                })
                .onData((c, binary, data) -> c.writeText(data)).build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(JettyMetrics.handler(metrics, JettyWebSocket.handler(ws)));
        jetty.start();
        URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/chat");

        assertEquals(401, RawClient.to(uri).exchange().status());
        try (RawClient c = RawClient.to(uri).header("Authorization", "Bearer x").connect()) {
            for (int i = 0; i < 3; i++) {
                c.sendText("hello");
                assertEquals("hello", c.readMessage().text());
            }
            HttpResponse<String> health = get(connector.getLocalPort(), "/health");
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\",\"live\":true,\"ready\":true,\"connections\":1}", health.body());
            c.sendClose(1000, "");
            c.expectClose(1000);
        }
        HttpResponse<String> r = get(connector.getLocalPort(), "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals(ShuttleMetrics.PROMETHEUS_CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
        PrometheusText p = PrometheusText.parse(r.body());
        assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "accepted", "status", "101"));
        assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "refused", "status", "401"));
        assertEquals(3, p.value("shuttle_messages_received_total", "type", "text"));
        assertEquals(15, p.value("shuttle_sent_bytes_total", "type", "text"));
        assertEquals(1, p.value("shuttle_close_frames_received_total", "code", "1000"));
        assertEquals(metrics.prometheusText(), r.body());
        assertEquals(404, get(connector.getLocalPort(), "/other").statusCode());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
