package dev.shuttle.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A frame as seen on the wire (RFC 6455 §5.2), with a small encoder and decoder written
 * independently of the library so that tests never trust the code under test to check itself.
 * The encoder builds bad frames too: any opcode, any RSV bits, unmasked, control frames that
 * are too long or fragmented.
 */
public record WireFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    public boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** For a close frame: the status code, or 1005 when the payload is empty. */
    public int closeCode() {
        return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    public String closeReason() {
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String body = opcode == CLOSE ? " code=" + closeCode() + " reason=" + closeReason()
                : opcode == TEXT && payload.length <= 64 ? " '" + text() + "'" : "";
        return "WireFrame[op=" + opcode + (fin ? "" : " (more)") + (rsv != 0 ? " rsv=" + rsv : "")
                + (masked ? " masked" : "") + ", " + payload.length + " bytes" + body + "]";
    }

    // ---- encoding (client to server: masked by default) ----

    /** A whole frame; masked with a random key when {@code masked}. */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        int key = ThreadLocalRandom.current().nextInt();
        byte[] header = header(fin, rsv, opcode, payload.length, masked, key);
        byte[] out = new byte[header.length + payload.length];
        System.arraycopy(header, 0, out, 0, header.length);
        for (int i = 0; i < payload.length; i++) {
            out[header.length + i] = masked ? (byte) (payload[i] ^ (key >>> (8 * (3 - (i & 3))))) : payload[i];
        }
        return out;
    }

    /** A masked, final frame. */
    public static byte[] masked(int opcode, byte[] payload) {
        return encode(true, 0, opcode, payload, true);
    }

    public static byte[] maskedText(String text) {
        return masked(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Only the header (with the mask key when masked), using the minimal length encoding of §5.2. */
    public static byte[] header(boolean fin, int rsv, int opcode, long length, boolean masked, int maskKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(14);
        out.write((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            out.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8) & 0xFF);
            out.write((int) length & 0xFF);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift) & 0xFF);
            }
        }
        if (masked) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((maskKey >>> shift) & 0xFF);
            }
        }
        return out.toByteArray();
    }

    /** A close payload with a code and raw reason bytes (which may be invalid UTF-8). */
    public static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    public static byte[] closePayload(int code, String reason) {
        return closePayload(code, reason.getBytes(StandardCharsets.UTF_8));
    }

    /** Concatenates byte arrays, e.g. several frames to send in one write. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- decoding ----

    /**
     * Reads one frame from a stream. Throws {@link EOFException} when the stream ends before the
     * first byte, and whatever the stream throws on its own timeout.
     */
    public static WireFrame read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("end of stream before a frame");
        }
        return readAfterFirstByte(b0, in);
    }

    /** Reads the rest of a frame whose first byte was already read. */
    public static WireFrame readAfterFirstByte(int b0, InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int b1 = data.readUnsignedByte();
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = data.readUnsignedShort();
        } else if (length == 127) {
            length = data.readLong();
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame length out of range: " + length);
        }
        byte[] key = new byte[4];
        if (masked) {
            data.readFully(key);
        }
        byte[] payload = new byte[(int) length];
        data.readFully(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new WireFrame((b0 & 0x80) != 0, (b0 >>> 4) & 7, b0 & 0xF, masked, payload);
    }
}
