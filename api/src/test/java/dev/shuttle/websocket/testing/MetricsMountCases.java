package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.metrics.ShuttleMetrics;

/**
 * What every mount of {@link ShuttleMetrics} (built-in listener, Jetty, Undertow, Servlet) must
 * answer: an adapter's test starts {@link #echoServer} behind its mount and runs {@link #check}.
 */
public final class MetricsMountCases {
    private MetricsMountCases() {
    }

    /** An echo server counting into {@code metrics} that refuses upgrades without an Authorization header (401). */
    public static WebSocketServer echoServer(ShuttleMetrics metrics) {
        return WebSocketServer.builder().metrics(metrics)
                .upgradeHook((request, attributes) -> {
                    if (request.header("Authorization") == null) {
                        throw new UpgradeRejectedException(401, "no token");
                    }
                })
                .onData((c, binary, data) -> c.writeText(data)).build();
    }

    /**
     * Drives one refused and one accepted connection through {@code ws} and checks /health during
     * and /metrics after it, as served at {@code http} (the same host and port, maybe another
     * path prefix), and that an unknown path gets 404.
     */
    public static void check(URI ws, URI http, ShuttleMetrics metrics) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            assertEquals(401, RawClient.to(ws).exchange().status());
            try (RawClient c = RawClient.to(ws).header("Authorization", "Bearer x").connect()) {
                for (int i = 0; i < 3; i++) {
                    c.sendText("hello");
                    assertEquals("hello", c.readMessage().text());
                }
                HttpResponse<String> health = get(client, http.resolve("health"));
                assertEquals(200, health.statusCode());
                assertEquals(ShuttleMetrics.HEALTH_CONTENT_TYPE, health.headers().firstValue("Content-Type").orElseThrow());
                assertEquals("{\"status\":\"UP\",\"live\":true,\"ready\":true,\"connections\":1}", health.body());
                c.sendClose(1000, "");
                c.expectClose(1000);
            }
            // The server counts the connection closed once its end is done, which may trail the
            // close frame the client saw; /metrics and prometheusText() below must see the same.
            long deadline = System.nanoTime() + RecordingHandler.WAIT.toNanos();
            while (metrics.openConnections() > 0) {
                assertTrue(System.nanoTime() < deadline, "the server never counted the connection closed");
                Thread.sleep(10);
            }
            HttpResponse<String> r = get(client, http.resolve("metrics"));
            assertEquals(200, r.statusCode());
            assertEquals(ShuttleMetrics.PROMETHEUS_CONTENT_TYPE,
                    r.headers().firstValue("Content-Type").orElseThrow().replaceAll(";\\s*", "; ").toLowerCase(),
                    "containers may respell the parameters' spacing and case");
            PrometheusText p = PrometheusText.parse(r.body());
            assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "accepted", "status", "101"));
            assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "refused", "status", "401"));
            assertEquals(3, p.value("shuttle_messages_received_total", "type", "text"));
            assertEquals(15, p.value("shuttle_sent_bytes_total", "type", "text"));
            assertEquals(1, p.value("shuttle_close_frames_received_total", "code", "1000"));
            assertEquals(metrics.prometheusText(), r.body());
            metrics.markNotReady();
            HttpResponse<String> notReady = get(client, http.resolve("health/ready"));
            assertEquals(503, notReady.statusCode());
            assertEquals(200, get(client, http.resolve("health/live")).statusCode());
            metrics.markReady();
        }
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
