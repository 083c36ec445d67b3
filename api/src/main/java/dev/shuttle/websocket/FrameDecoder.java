package dev.shuttle.websocket;

import java.nio.ByteBuffer;

/**
 * Reads frames from bytes, with every RFC 6455 §5 check, independent of any connection. STUB.
 */
public final class FrameDecoder {
    /**
     * @param expectMasked    true to decode frames sent by a client (they must be masked)
     * @param maxFramePayload larger frames are refused with 1009 before their payload is read
     */
    public FrameDecoder(boolean expectMasked, long maxFramePayload) {
        throw new UnsupportedOperationException("stub");
    }

    /** Decodes the next whole frame from the buffer's position (advancing it), or returns null when more bytes are needed. */
    public Frame decode(ByteBuffer buffer) throws WebSocketException {
        throw new UnsupportedOperationException("stub");
    }
}
