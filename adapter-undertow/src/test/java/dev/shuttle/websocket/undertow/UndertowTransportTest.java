package dev.shuttle.websocket.undertow;

import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The transport contract (the same cases as the built-in listener) on Undertow core. */
class UndertowTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new UndertowFixture();
    }
}
