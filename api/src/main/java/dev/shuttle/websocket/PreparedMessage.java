package dev.shuttle.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.internal.codec.FrameEncoder;

/**
 * A message encoded once for sending to many connections: a server's frames carry no mask, so
 * the same read-only bytes go into every receiver's queue. Build one per broadcast:
 * <pre>{@code
 * PreparedMessage m = PreparedMessage.text("tick");
 * for (WebSocket c : server.connections()) c.write(m);
 * }</pre>
 * A client connection, which must mask, encodes its own copy.
 */
public final class PreparedMessage {
    private final Opcode opcode;
    private final byte[] payload;
    private final ByteBuffer unmaskedFrame;

    private PreparedMessage(Opcode opcode, byte[] payload) {
        this.opcode = opcode;
        this.payload = payload;
        this.unmaskedFrame = FrameEncoder.encode(true, 0, opcode.code(), payload, 0, payload.length, false, 0)
                .asReadOnlyBuffer();
    }

    public static PreparedMessage text(String text) {
        return new PreparedMessage(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message; the array is not copied: do not change it afterwards. */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(Opcode.BINARY, data);
    }

    /** A text message from bytes the caller guarantees to be valid UTF-8; the array is not copied. */
    public static PreparedMessage textUtf8(byte[] utf8) {
        return new PreparedMessage(Opcode.TEXT, utf8);
    }

    public Opcode opcode() {
        return opcode;
    }

    public boolean isBinary() {
        return opcode == Opcode.BINARY;
    }

    /** The payload array itself, not a copy. */
    public byte[] payload() {
        return payload;
    }

    /** The whole unmasked frame: a new read-only view over the shared bytes, positioned at its start. */
    public ByteBuffer unmaskedFrame() {
        return unmaskedFrame.duplicate();
    }
}
