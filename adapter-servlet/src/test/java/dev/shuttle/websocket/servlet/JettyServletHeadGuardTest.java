package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;

/** The request-head bounds through the servlet adapter on Jetty 12 ee10 (Jetty's connector settings). */
class JettyServletHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new JettyServletFixture();
    }

    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new JettyServletFixture().containerHeadLimit(containerHeadBytes);
    }
}
