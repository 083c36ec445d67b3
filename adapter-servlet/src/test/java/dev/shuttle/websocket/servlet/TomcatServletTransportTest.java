package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The transport contract through {@link WebSocketServlet} on embedded Tomcat 11 (standard upgrade(), WsSci present). */
class TomcatServletTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new TomcatServletFixture();
    }
}
