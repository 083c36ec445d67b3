package dev.shuttle.websocket.internal.codec;

import java.nio.ByteBuffer;

/** XOR masking (RFC 6455 §5.3), eight bytes at a time. STUB: contract only. */
public final class Masking {
    private Masking() {
    }

    /**
     * Masks or unmasks {@code len} bytes of {@code buf} from {@code off} in place. {@code keyPos}
     * (0..3) is the position in the 4-byte key of the first byte (for payloads processed in
     * pieces); returns the key position after the last byte. The key is big-endian: its first
     * byte on the wire is the high byte.
     */
    public static int mask(byte[] buf, int off, int len, int key, int keyPos) {
        throw new UnsupportedOperationException("stub");
    }

    /** Copies {@code len} bytes from {@code src}'s position (advancing it) into {@code dst} while unmasking; returns the next key position. */
    public static int unmaskCopy(ByteBuffer src, byte[] dst, int dstOff, int len, int key, int keyPos) {
        throw new UnsupportedOperationException("stub");
    }
}
