package dev.shuttle.websocket.internal.codec;

import java.nio.ByteBuffer;

/** Encodes frames (RFC 6455 §5.2). STUB: contract only. */
public final class FrameEncoder {
    /** §5.5: control frames carry at most 125 payload bytes. */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** Longest possible header: 2 + 8 length + 4 mask. */
    public static final int MAX_HEADER_LENGTH = 14;

    private FrameEncoder() {
    }

    /** Header length for a payload length, with or without a mask key. */
    public static int headerLength(long payloadLength, boolean masked) {
        throw new UnsupportedOperationException("stub");
    }

    /** Writes a header (minimal length encoding) at dst's position. rsv is the 3-bit RSV value. */
    public static void writeHeader(ByteBuffer dst, boolean fin, int rsv, int opcode, long payloadLength, boolean masked, int maskKey) {
        throw new UnsupportedOperationException("stub");
    }

    /** A whole frame in a new heap buffer ready to read; the payload is masked (in the copy) when {@code masked}. */
    public static ByteBuffer encode(boolean fin, int rsv, int opcode, byte[] payload, int offset, int length, boolean masked, int maskKey) {
        throw new UnsupportedOperationException("stub");
    }
}
