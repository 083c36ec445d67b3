package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;

/** The request-head bounds through the servlet adapter on Tomcat 11 (maxHttpHeaderSize, connectionTimeout). */
class TomcatServletHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new TomcatServletFixture();
    }

    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new TomcatServletFixture().containerHeadLimit(containerHeadBytes);
    }
}
