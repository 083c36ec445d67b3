package dev.shuttle.websocket.undertow;

import java.net.URI;
import java.util.function.UnaryOperator;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.testing.MetricsMountCases;
import io.undertow.server.handlers.ResponseCodeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link UndertowMetrics} in front of the upgrade handler: the same /metrics and /health as the built-in listener. */
class UndertowMetricsTest {
    private UndertowFixture undertow;

    @AfterEach
    void stop() {
        if (undertow != null) {
            undertow.stop();
        }
    }

    @Test
    @Timeout(30)
    void servesMetricsAndHealthCountedOnUndertow() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        undertow = new UndertowFixture(null, server -> UndertowMetrics.handler(metrics,
                new UndertowWebSocket.UpgradeHandler(server, ResponseCodeHandler.HANDLE_404, UnaryOperator.identity())));
        URI ws = undertow.start(MetricsMountCases.echoServer(metrics));
        MetricsMountCases.check(ws.resolve("/chat"), URI.create("http://" + ws.getAuthority() + "/"), metrics);
    }
}
