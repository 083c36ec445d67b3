package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The transport contract through {@link WebSocketServlet} on Jetty 12 ee10 (Jetty's native handover). */
class JettyServletTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new JettyServletFixture();
    }
}
