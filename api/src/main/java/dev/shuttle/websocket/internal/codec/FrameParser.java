package dev.shuttle.websocket.internal.codec;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.WebSocketException;

/**
 * Parses frame headers (RFC 6455 §5.2) and rejects a bad one before its payload is read.
 * STUB: contract only; see the javadoc of each method.
 */
public final class FrameParser {
    /**
     * @param expectMasked    true on a server (client frames must be masked), false on a client (server frames must not be)
     * @param acceptUnmasked  on a server: accept unmasked client frames anyway
     * @param maxFramePayload a larger payload length is refused with 1009
     * @param rsv1Allowed     true when an extension (permessage-deflate) owns RSV1
     */
    public FrameParser(boolean expectMasked, boolean acceptUnmasked, long maxFramePayload, boolean rsv1Allowed) {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Parses one header at {@code buf}'s position. Returns false and leaves the buffer untouched
     * when the header is not complete yet; returns true and advances past the header (mask key
     * included) otherwise. Throws a {@link WebSocketException} with 1002 / 1009 for a bad header.
     * Tracks fragmentation: a continuation without a started message, or a new data frame inside
     * one, is 1002.
     */
    public boolean parseHeader(ByteBuffer buf) throws WebSocketException {
        throw new UnsupportedOperationException("stub");
    }

    public boolean fin() {
        throw new UnsupportedOperationException("stub");
    }

    /** RSV bits as 3-bit value. */
    public int rsv() {
        throw new UnsupportedOperationException("stub");
    }

    public int opcode() {
        throw new UnsupportedOperationException("stub");
    }

    public boolean masked() {
        throw new UnsupportedOperationException("stub");
    }

    public int maskKey() {
        throw new UnsupportedOperationException("stub");
    }

    public long payloadLength() {
        throw new UnsupportedOperationException("stub");
    }

    /** True while a fragmented data message is in progress (continuation expected). */
    public boolean inMessage() {
        throw new UnsupportedOperationException("stub");
    }

    /** Enables or disables RSV1 (permessage-deflate negotiated after construction, on a client). */
    public void rsv1Allowed(boolean allowed) {
        throw new UnsupportedOperationException("stub");
    }
}
