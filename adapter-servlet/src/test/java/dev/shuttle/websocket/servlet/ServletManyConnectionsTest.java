package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.jetty.ManyConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 1,000 concurrent connections through the servlet on each container: open, echo, close; no leaks. */
class ServletManyConnectionsTest {
    @Test
    @Timeout(180)
    void thousandConnectionsOnJettyEe10() throws Exception {
        ManyConnections.run(new JettyServletFixture(true, new org.eclipse.jetty.util.thread.QueuedThreadPool(32, 4, 1_000)), 1_000);
    }

    @Test
    @Timeout(180)
    @org.junit.jupiter.api.Tag("undertow-servlet") // see UndertowServletTransportTest
    void thousandConnectionsOnUndertowServlet() throws Exception {
        ManyConnections.run(new UndertowServletFixture(), 1_000);
    }

    @Test
    @Timeout(180)
    void thousandConnectionsOnTomcat() throws Exception {
        ManyConnections.run(new TomcatServletFixture().threads(32, 1_000), 1_000);
    }
}
