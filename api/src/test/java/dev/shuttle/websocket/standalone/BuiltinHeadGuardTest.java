package dev.shuttle.websocket.standalone;

import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.HeadGuardCases;
import dev.shuttle.websocket.testing.ServerFixture;

/**
 * The request-head bounds on the built-in listener: its handshake timeout counts from accept (a
 * silent peer, or one that drips its head a byte at a time, is cut off after
 * {@code handshakeTimeout}), and {@code maxRequestHeadBytes} is its only head limit.
 */
class BuiltinHeadGuardTest extends HeadGuardCases {
    @Override
    protected ServerFixture fixture() {
        return new BuiltinFixture();
    }

    /** The listener has no container limit of its own: the server's options bound the head. */
    @Override
    protected ServerFixture fixture(int containerHeadBytes) {
        return new BuiltinFixture();
    }
}
