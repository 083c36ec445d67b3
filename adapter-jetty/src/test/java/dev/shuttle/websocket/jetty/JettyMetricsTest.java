package dev.shuttle.websocket.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.testing.MetricsMountCases;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link JettyMetrics} in front of the upgrade handler: the same /metrics and /health as the built-in listener. */
class JettyMetricsTest {
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    @Test
    @Timeout(30)
    void servesMetricsAndHealthCountedOnJetty() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(JettyMetrics.handler(metrics, JettyWebSocket.handler(MetricsMountCases.echoServer(metrics))));
        jetty.start();
        String base = "127.0.0.1:" + connector.getLocalPort() + "/";
        MetricsMountCases.check(URI.create("ws://" + base + "chat"), URI.create("http://" + base), metrics);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<Void> other = client.send(HttpRequest.newBuilder(URI.create("http://" + base + "other")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(404, other.statusCode(), "not ours: passed on to the WebSocket handler, which declines a plain GET");
        }
    }
}
