package dev.shuttle.websocket.jetty;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The api's transport contract on a Jetty 12 core server through {@link JettyWebSocket#handler}. */
class JettyTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new JettyFixture();
    }
}
