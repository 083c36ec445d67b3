package dev.shuttle.websocket.servlet;

import java.net.URI;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.testing.MetricsMountCases;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MetricsServlet} on Tomcat beside {@link WebSocketServlet}: the same /metrics and /health as the built-in listener. */
class TomcatMetricsServletTest {
    private final TomcatServletFixture tomcat = new TomcatServletFixture();

    @AfterEach
    void stop() throws Exception {
        tomcat.stop();
    }

    @Test
    @Timeout(60)
    void servesMetricsAndHealthCountedOnTomcat() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        tomcat.customize(context -> {
            Tomcat.addServlet(context, "metrics", new MetricsServlet(metrics));
            context.addServletMappingDecoded("/metrics", "metrics");
            context.addServletMappingDecoded("/health", "metrics");
            context.addServletMappingDecoded("/health/*", "metrics");
        });
        URI ws = tomcat.start(MetricsMountCases.echoServer(metrics));
        MetricsMountCases.check(ws.resolve("/chat"), URI.create("http://" + ws.getAuthority() + "/"), metrics);
    }
}
