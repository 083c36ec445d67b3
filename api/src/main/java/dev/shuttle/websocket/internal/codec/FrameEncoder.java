package dev.shuttle.websocket.internal.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encodes frames (RFC 6455 §5.2).
 * <p>
 * The encoder writes what it is asked to write: it checks only that the fields fit their bits.
 * Whether a frame is legal (a control frame is final and at most 125 bytes, RSV bits need an
 * extension) is decided by the caller, {@link dev.shuttle.websocket.Frame} for instance.
 * Multi-byte fields are written big-endian whatever the buffer's {@code order()}.
 * Stateless and thread-safe.
 */
public final class FrameEncoder {
    /** §5.5: control frames carry at most 125 payload bytes. */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** Longest possible header: 2 + 8 length + 4 mask. */
    public static final int MAX_HEADER_LENGTH = 14;

    /** §5.2: the largest payload length that fits the 7-bit field, and the 16-bit one. */
    private static final int MAX_7BIT_LENGTH = 125;
    private static final int MAX_16BIT_LENGTH = 0xFFFF;

    private FrameEncoder() {
    }

    /** Header length for a payload length, with or without a mask key. */
    public static int headerLength(long payloadLength, boolean masked) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length: " + payloadLength);
        }
        int extended = payloadLength <= MAX_7BIT_LENGTH ? 0 : payloadLength <= MAX_16BIT_LENGTH ? 2 : 8;
        return 2 + extended + (masked ? 4 : 0);
    }

    /**
     * Writes a header (minimal length encoding) at dst's position. rsv is the 3-bit RSV value.
     * The mask key is big-endian: its high byte goes first on the wire. Advances dst past the
     * header; writes nothing when it does not fit.
     *
     * @throws BufferOverflowException  if dst has fewer than {@link #headerLength} bytes remaining
     * @throws IllegalArgumentException if opcode, rsv or the length do not fit their fields
     */
    public static void writeHeader(ByteBuffer dst, boolean fin, int rsv, int opcode, long payloadLength, boolean masked, int maskKey) {
        if ((opcode & ~0xF) != 0) {
            throw new IllegalArgumentException("opcode must be 0..15: " + opcode);
        }
        if ((rsv & ~0x7) != 0) {
            throw new IllegalArgumentException("rsv must be 0..7: " + rsv);
        }
        int headerLength = headerLength(payloadLength, masked);
        if (dst.remaining() < headerLength) {
            throw new BufferOverflowException();
        }
        dst.put((byte) ((fin ? 0x80 : 0) | rsv << 4 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength <= MAX_7BIT_LENGTH) {
            dst.put((byte) (maskBit | (int) payloadLength));
        } else if (payloadLength <= MAX_16BIT_LENGTH) {
            dst.put((byte) (maskBit | 126));
            putBigEndian(dst, payloadLength, 2);
        } else {
            // headerLength refused negatives, so the top bit of the 64-bit length is 0 as §5.2 requires.
            dst.put((byte) (maskBit | 127));
            putBigEndian(dst, payloadLength, 8);
        }
        if (masked) {
            putBigEndian(dst, maskKey, 4);
        }
    }

    /** A whole frame in a new heap buffer ready to read; the payload is masked (in the copy) when {@code masked}. */
    public static ByteBuffer encode(boolean fin, int rsv, int opcode, byte[] payload, int offset, int length, boolean masked, int maskKey) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        int headerLength = headerLength(length, masked);
        ByteBuffer frame = ByteBuffer.allocate(Math.addExact(headerLength, length));
        writeHeader(frame, fin, rsv, opcode, length, masked, maskKey);
        frame.put(payload, offset, length);
        if (masked) {
            Masking.mask(frame.array(), frame.arrayOffset() + headerLength, length, maskKey, 0);
        }
        return frame.flip();
    }

    private static void putBigEndian(ByteBuffer dst, long value, int count) {
        for (int shift = 8 * (count - 1); shift >= 0; shift -= 8) {
            dst.put((byte) (value >>> shift));
        }
    }
}
