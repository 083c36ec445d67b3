package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The transport contract through {@link WebSocketServlet} on Undertow's servlet container (standard upgrade()). */
class UndertowServletTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new UndertowServletFixture();
    }
}
