package dev.shuttle.websocket.internal.codec;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Test helper: bytes from hex strings, with any whitespace ignored ("81 05 48 65 6c"). */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    /** A heap buffer holding the bytes, ready to read. */
    public static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    public static String string(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The remaining bytes of a buffer as hex, without moving it. */
    public static String string(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        buf.duplicate().get(b);
        return string(b);
    }
}
