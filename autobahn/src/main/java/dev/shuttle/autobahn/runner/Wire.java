package dev.shuttle.autobahn.runner;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 §5.2 frames, written and read byte by byte by the fuzzer itself: it must be able to
 * send what a correct library never would (reserved bits and opcodes, oversized control frames,
 * bad close payloads), so it shares no code with the engine under test.
 */
public final class Wire {
    public static final int CONTINUATION = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    /** A received frame, unmasked. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        boolean isControl() {
            return opcode >= 8;
        }
    }

    private Wire() {
    }

    /** Encodes one frame; a non-null 4-byte key masks the payload (client to server). */
    public static byte[] encode(int opcode, boolean fin, int rsv, byte[] payload, byte[] maskKey) {
        int len = payload.length;
        int lenBytes = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
        int header = 2 + lenBytes + (maskKey != null ? 4 : 0);
        byte[] out = new byte[header + len];
        out[0] = (byte) ((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0x0F));
        int lenField = lenBytes == 0 ? len : lenBytes == 2 ? 126 : 127;
        out[1] = (byte) ((maskKey != null ? 0x80 : 0) | lenField);
        int i = 2;
        for (int k = lenBytes - 1; k >= 0; k--) {
            out[i++] = (byte) ((long) len >>> (8 * k));
        }
        if (maskKey != null) {
            System.arraycopy(maskKey, 0, out, i, 4);
            i += 4;
        }
        for (int k = 0; k < len; k++) {
            out[i + k] = (byte) (maskKey != null ? payload[k] ^ maskKey[k & 3] : payload[k]);
        }
        return out;
    }

    /**
     * Reads one frame; null on a clean end of stream before its first byte. Payloads above
     * {@code maxPayload} are refused (the peer is broken; the fuzzer fails the connection).
     */
    public static Frame read(InputStream in, long maxPayload) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte(in);
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (long) readByte(in) << 8 | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int k = 0; k < 8; k++) {
                len = len << 8 | readByte(in);
            }
        }
        if (len < 0 || len > maxPayload) {
            throw new IOException("frame payload of " + len + " octets exceeds " + maxPayload);
        }
        byte[] key = masked ? in.readNBytes(4) : null;
        if (key != null && key.length < 4) {
            throw new EOFException("end of stream inside a frame header");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
            throw new EOFException("end of stream inside a frame payload");
        }
        if (key != null) {
            for (int k = 0; k < payload.length; k++) {
                payload[k] ^= key[k & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, masked, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("end of stream inside a frame header");
        }
        return b;
    }

    /** UTF-8 bytes of a string (the catalog's payloads are written as text where they can be). */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The suite's {@code payload_len}: the pattern repeated (and cut) to exactly {@code len} octets. */
    public static byte[] repeat(byte[] pattern, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    /** Whether the bytes are well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above U+10FFFF). */
    public static boolean isValidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            int n;
            int min;
            if (c < 0x80) {
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= b.length) {
                return false;
            }
            int cp = c & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = cp << 6 | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }
}
