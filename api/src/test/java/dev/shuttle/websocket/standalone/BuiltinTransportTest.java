package dev.shuttle.websocket.standalone;

import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.TransportContract;

/** The transport contract on the built-in listener. */
class BuiltinTransportTest extends TransportContract {
    @Override
    protected ServerFixture fixture() {
        return new BuiltinFixture();
    }
}
