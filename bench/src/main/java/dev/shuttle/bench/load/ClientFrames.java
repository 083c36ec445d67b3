package dev.shuttle.bench.load;

/**
 * The load generator's own frame encoder (RFC 6455 §5.2), client side: every frame is masked
 * (§5.3). Written for this tool rather than borrowed from a library under test, so that a bug
 * in Shuttle's codec cannot hide behind the same bug in the measuring instrument.
 * <p>
 * Timestamps travel as 16 lowercase hex digits at the start of the payload, not as 8 raw bytes,
 * so that the same payload is also valid UTF-8 when the run uses text frames.
 */
public final class ClientFrames {
    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;
    /** Hex digits of a timestamp at the start of a payload. */
    public static final int STAMP_LENGTH = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ClientFrames() {
    }

    /** Bytes a masked frame with this payload length takes on the wire. */
    public static int frameLength(int payloadLength) {
        return headerLength(payloadLength) + payloadLength;
    }

    static int headerLength(int payloadLength) {
        return (payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * Writes one final, masked frame at {@code dst[off]}; returns the bytes written. The key is
     * big-endian: its high byte is the first key byte on the wire.
     */
    public static int encode(byte[] dst, int off, int opcode, byte[] payload, int pOff, int len, int maskKey) {
        int p = off + putHeader(dst, off, opcode, len, maskKey);
        for (int i = 0; i < len; i++) {
            dst[p + i] = (byte) (payload[pOff + i] ^ (maskKey >>> (24 - 8 * (i & 3))));
        }
        return p + len - off;
    }

    /**
     * Writes the header of a final, masked frame declaring {@code len} payload bytes (the
     * shortest length encoding, RFC 6455 §5.2) at {@code dst[off]}; returns its length (at most 14).
     */
    public static int putHeader(byte[] dst, int off, int opcode, long len, int maskKey) {
        int p = off;
        dst[p++] = (byte) (0x80 | opcode);
        if (len <= 125) {
            dst[p++] = (byte) (0x80 | len);
        } else if (len <= 0xFFFF) {
            dst[p++] = (byte) (0x80 | 126);
            dst[p++] = (byte) (len >>> 8);
            dst[p++] = (byte) len;
        } else {
            dst[p++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[p++] = (byte) (len >>> shift);
            }
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            dst[p++] = (byte) (maskKey >>> shift);
        }
        return p - off;
    }

    /** A payload of {@code size} printable ASCII bytes (valid as text and as binary). */
    public static byte[] payload(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** Writes {@code stamp} as 16 hex digits at {@code dst[off]}. */
    public static void putStamp(byte[] dst, int off, long stamp) {
        for (int i = STAMP_LENGTH - 1; i >= 0; i--) {
            dst[off + i] = HEX[(int) (stamp & 0xF)];
            stamp >>>= 4;
        }
    }

    /** The value of one hex digit, or -1. */
    static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
