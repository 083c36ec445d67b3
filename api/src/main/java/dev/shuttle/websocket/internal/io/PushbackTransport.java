package dev.shuttle.websocket.internal.io;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.spi.Transport;

/**
 * A transport that can put bytes back in front of its stream: what an HTTP parser read past the
 * head (the 101 response, or the upgrade request) already belongs to the WebSocket stream.
 */
public interface PushbackTransport extends Transport {
    /** The next reads return these bytes first; call before the engine starts reading. */
    void unread(ByteBuffer bytes);
}
