package dev.shuttle.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.Deflater;

import dev.shuttle.websocket.internal.codec.FrameEncoder;
import dev.shuttle.websocket.internal.deflate.DeflateCodec;
import dev.shuttle.websocket.internal.deflate.Zlib;

/**
 * A message encoded once for sending to many connections: a server's frames carry no mask, so
 * the same read-only bytes go into every receiver's queue. Build one per broadcast:
 * <pre>{@code
 * PreparedMessage m = PreparedMessage.text("tick");
 * for (WebSocket c : server.connections()) c.write(m);
 * }</pre>
 * A client connection, which must mask, encodes its own copy.
 * <p>
 * With permessage-deflate (RFC 7692) and no context takeover on the sending side, the message is
 * also compressed once, on first need, and that compressed frame is shared the same way; with
 * context takeover every connection compresses it with its own window.
 */
public final class PreparedMessage {
    private final Opcode opcode;
    private final byte[] payload;
    private final ByteBuffer unmaskedFrame;
    /** Marks "compressing does not make it smaller" in {@link #deflated}. */
    private static final ByteBuffer NOT_SMALLER = ByteBuffer.allocate(0);
    /** The compressed frame once computed (read-only), or NOT_SMALLER; null before. */
    private volatile ByteBuffer deflated;
    /** Makes a broadcast compress once even when many writers ask at the same moment; held for CPU work only. */
    private final ReentrantLock deflateLock = new ReentrantLock();

    private PreparedMessage(Opcode opcode, byte[] payload) {
        this.opcode = opcode;
        this.payload = payload;
        this.unmaskedFrame = FrameEncoder.encode(true, 0, opcode.code(), payload, 0, payload.length, false, 0)
                .asReadOnlyBuffer();
    }

    /**
     * A text message.
     *
     * @param text encoded as UTF-8 once
     * @return the message
     */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A binary message; the array is not copied: do not change it afterwards.
     *
     * @param data the payload
     * @return the message
     */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(Opcode.BINARY, data);
    }

    /**
     * A text message from bytes the caller guarantees to be valid UTF-8; the array is not copied.
     *
     * @param utf8 valid UTF-8 (not checked)
     * @return the message
     */
    public static PreparedMessage textUtf8(byte[] utf8) {
        return new PreparedMessage(Opcode.TEXT, utf8);
    }

    /** {@return {@link Opcode#TEXT} or {@link Opcode#BINARY}} */
    public Opcode opcode() {
        return opcode;
    }

    /** {@return whether this is a binary message} */
    public boolean isBinary() {
        return opcode == Opcode.BINARY;
    }

    /** {@return the payload array itself, not a copy} */
    public byte[] payload() {
        return payload;
    }

    /**
     * The whole unmasked frame compressed for permessage-deflate without context takeover (RSV1
     * set, the §7.2.1 tail removed): a new read-only view over bytes compressed once, at the
     * {@code level} (0..9) of the first call, and shared by every later call. Null when
     * compressing does not make the payload smaller (then send {@link #unmaskedFrame()}).
     * Connections call this themselves; it is public for adapters and tests.
     *
     * @param level the zlib level of the first call
     * @return the compressed frame, or {@code null} when compressing does not help
     * @throws IllegalArgumentException outside 0..9
     */
    public ByteBuffer deflatedFrame(int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("level must be 0..9: " + level);
        }
        ByteBuffer d = deflated;
        if (d == null) {
            deflateLock.lock();
            try {
                d = deflated;
                if (d == null) {
                    d = compress(level);
                    deflated = d;
                }
            } finally {
                deflateLock.unlock();
            }
        }
        return d == NOT_SMALLER ? null : d.duplicate();
    }

    private ByteBuffer compress(int level) {
        Deflater deflater = Zlib.borrowDeflater(level);
        try {
            ByteBuffer frame = DeflateCodec.compressFrame(deflater, payload, 0, payload.length, opcode.code(), false);
            return frame.limit() - DeflateCodec.payloadOffset(frame) < payload.length ? frame.asReadOnlyBuffer() : NOT_SMALLER;
        } finally {
            Zlib.release(level, deflater);
        }
    }

    /** {@return the whole unmasked frame: a new read-only view over the shared bytes, positioned at its start} */
    public ByteBuffer unmaskedFrame() {
        return unmaskedFrame.duplicate();
    }
}
