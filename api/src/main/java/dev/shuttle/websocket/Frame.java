package dev.shuttle.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.shuttle.websocket.internal.codec.ClosePayload;
import dev.shuttle.websocket.internal.codec.FrameEncoder;

/**
 * One WebSocket frame (RFC 6455 §5.2), unmasked: the low-level layer that messages are made of.
 * Build one with the factories, send it with {@link WebSocket#writeFrame(Frame)}, encode it
 * yourself with {@link #encode()}, or read frames from bytes with {@link FrameDecoder}.
 * <p>
 * The payload array is not copied: do not change it after handing the frame over.
 */
public final class Frame {
    private static final byte[] EMPTY = new byte[0];

    private final boolean fin;
    private final int rsv;
    private final Opcode opcode;
    private final byte[] payload;

    /**
     * A frame as given; control frames are checked (final, at most 125 bytes).
     *
     * @param fin     whether this is the final fragment of its message
     * @param rsv     the RSV1-3 bits as the 3-bit value {@code rsv1<<2 | rsv2<<1 | rsv3}
     * @param opcode  the opcode
     * @param payload the unmasked payload
     */
    public Frame(boolean fin, int rsv, Opcode opcode, byte[] payload) {
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("rsv must be 0..7: " + rsv);
        }
        this.fin = fin;
        this.rsv = rsv;
        this.opcode = Objects.requireNonNull(opcode, "opcode");
        this.payload = payload == null ? EMPTY : payload;
        if (opcode.isControl() && (!fin || this.payload.length > FrameEncoder.MAX_CONTROL_PAYLOAD)) {
            throw new IllegalArgumentException("a control frame is final and carries at most 125 bytes (RFC 6455 §5.5)");
        }
    }

    /**
     * A final text frame.
     *
     * @param text encoded as UTF-8
     * @return the frame
     */
    public static Frame text(String text) {
        return new Frame(true, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A final binary frame.
     *
     * @param data the payload, not copied
     * @return the frame
     */
    public static Frame binary(byte[] data) {
        return new Frame(true, 0, Opcode.BINARY, data);
    }

    /**
     * A ping frame.
     *
     * @param data at most 125 bytes
     * @return the frame
     * @throws IllegalArgumentException for more than 125 bytes
     */
    public static Frame ping(byte[] data) {
        return new Frame(true, 0, Opcode.PING, data);
    }

    /**
     * A pong frame.
     *
     * @param data at most 125 bytes
     * @return the frame
     * @throws IllegalArgumentException for more than 125 bytes
     */
    public static Frame pong(byte[] data) {
        return new Frame(true, 0, Opcode.PONG, data);
    }

    /**
     * A close frame; the reason is cut to fit 123 bytes of UTF-8 on a character boundary.
     *
     * @param code the close code
     * @param reason the reason, possibly empty
     * @return the frame
     */
    public static Frame close(int code, String reason) {
        return new Frame(true, 0, Opcode.CLOSE, ClosePayload.build(code, reason));
    }

    /** {@return whether this is the final fragment of its message} */
    public boolean fin() {
        return fin;
    }

    /** {@return RSV1 (permessage-deflate's "compressed" bit on a message's first frame)} */
    public boolean rsv1() {
        return (rsv & 4) != 0;
    }

    /** {@return RSV2 (no extension defines it)} */
    public boolean rsv2() {
        return (rsv & 2) != 0;
    }

    /** {@return RSV3 (no extension defines it)} */
    public boolean rsv3() {
        return (rsv & 1) != 0;
    }

    /** {@return the RSV bits as a 3-bit value} */
    public int rsv() {
        return rsv;
    }

    /** {@return the opcode} */
    public Opcode opcode() {
        return opcode;
    }

    /** {@return the payload array itself, not a copy} */
    public byte[] payload() {
        return payload;
    }

    /** {@return the payload decoded as UTF-8 (for text frames)} */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@return for a close frame: the status code, or 1005 when it carries none} */
    public int closeCode() {
        return payload.length < 2 ? CloseCode.NO_STATUS : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** {@return for a close frame: the reason, or the empty string} */
    public String closeReason() {
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    /** {@return this frame on the wire without a mask (server to client), in a new buffer ready to read} */
    public ByteBuffer encode() {
        return FrameEncoder.encode(fin, rsv, opcode.code(), payload, 0, payload.length, false, 0);
    }

    /**
     * This frame on the wire masked with {@code maskKey} (client to server), in a new buffer ready to read.
     *
     * @param maskKey the 4-byte masking key
     * @return the encoded frame
     */
    public ByteBuffer encode(int maskKey) {
        return FrameEncoder.encode(fin, rsv, opcode.code(), payload, 0, payload.length, true, maskKey);
    }

    @Override
    public String toString() {
        return "Frame[" + opcode + (fin ? "" : " (more)") + (rsv != 0 ? " rsv=" + rsv : "") + ", " + payload.length + " bytes]";
    }
}
