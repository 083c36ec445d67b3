package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;
import org.junit.jupiter.api.Tag;

/**
 * The transport contract through {@link WebSocketServlet} on Undertow's servlet container
 * (standard upgrade()), run by default. Tagged {@code undertow-servlet} so that
 * {@code -Dgroups=undertow-servlet} runs just these under load (see ServletTransport on the races).
 */
@Tag("undertow-servlet")
class UndertowServletTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new UndertowServletFixture();
    }
}
