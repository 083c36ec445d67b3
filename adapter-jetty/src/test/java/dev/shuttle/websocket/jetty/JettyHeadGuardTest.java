package dev.shuttle.websocket.jetty;

import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;

/** The request-head bounds on Jetty 12 core with {@link JettyWebSocket#guardRequestHeads}. */
class JettyHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new JettyFixture();
    }

    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new JettyFixture().containerHeadLimit(containerHeadBytes);
    }
}
