package dev.shuttle.websocket.undertow;

import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;

/** The request-head bounds on Undertow core with {@link UndertowWebSocket#guardRequestHeads}. */
class UndertowHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new UndertowFixture();
    }

    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new UndertowFixture().containerHeadLimit(containerHeadBytes);
    }
}
