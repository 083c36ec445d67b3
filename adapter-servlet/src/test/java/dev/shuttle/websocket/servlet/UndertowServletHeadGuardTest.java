package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;
import org.junit.jupiter.api.Tag;

/** The request-head bounds through the servlet adapter on Undertow's servlet container (Undertow's server options). */
@Tag("undertow-servlet")
class UndertowServletHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new UndertowServletFixture();
    }

    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new UndertowServletFixture().containerHeadLimit(containerHeadBytes);
    }
}
