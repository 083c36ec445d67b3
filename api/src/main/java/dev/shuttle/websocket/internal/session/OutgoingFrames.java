package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.internal.codec.FrameEncoder;
import dev.shuttle.websocket.internal.deflate.DeflateCodec;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;

/**
 * Turns what a connection sends into encoded frames, ready for its queue. A client's frames get a
 * zero mask key that the drainer fills in ({@link Outbound}); a server's are unmasked, so a
 * {@link PreparedMessage}'s bytes are shared by all its receivers.
 * <p>
 * With permessage-deflate (RFC 7692), where compression happens, and why:
 * <ul>
 * <li>Our side keeps its window (context takeover, §7.1.1): the message is queued plain with
 *     RSV1 as the extension's mark, and the single drainer compresses it just before writing, so
 *     the compressed stream follows the wire order of concurrent writers and a message the
 *     overflow policy drops never enters the window.</li>
 * <li>No context takeover: every message stands alone, so the writing thread compresses it at
 *     once with a pooled deflater (work spreads over the writers, the queue holds the smaller
 *     bytes), and a {@link PreparedMessage} is compressed once for all its receivers.</li>
 * </ul>
 * Messages below the threshold, or not smaller compressed, go plain. Raw frames from
 * {@code writeFrame} and control frames are never compressed (§6.1).
 */
final class OutgoingFrames {
    /** RSV1, as the 3-bit RSV value: set by the extension alone. */
    private static final int RSV1 = 0b100;
    /** A message in one frame. */
    private static final int WHOLE = OutFrame.FIRST | OutFrame.LAST;

    /** A server's frames without an extension: no state, one instance for every such connection. */
    static final OutgoingFrames PLAIN_SERVER = new OutgoingFrames(false, null);

    private final boolean masked;
    private final PerMessageDeflate deflate;

    OutgoingFrames(boolean masked, PerMessageDeflate deflate) {
        this.masked = masked;
        this.deflate = deflate;
    }

    /** A whole data message. */
    OutFrame message(int opcode, byte[] payload) {
        if (deflate != null && deflate.compresses(payload.length)) {
            if (deflate.sendContextTakeover()) {
                return inOrder(opcode, payload);
            }
            ByteBuffer compressed = deflate.compressNow(opcode, payload, 0, payload.length);
            if (compressed != null) {
                return new OutFrame(compressed, WHOLE);
            }
        }
        return new OutFrame(frame(true, 0, opcode, payload, 0, payload.length), WHOLE);
    }

    /** A whole data message from a buffer's remaining bytes (left untouched). */
    OutFrame message(int opcode, ByteBuffer payload) {
        int len = payload.remaining();
        if (deflate != null && deflate.compresses(len)) {
            byte[] copy = new byte[len];
            payload.duplicate().get(copy);
            return message(opcode, copy);
        }
        ByteBuffer b = allocate(true, 0, opcode, len);
        return new OutFrame(b.put(payload.duplicate()).flip(), WHOLE);
    }

    /** A message encoded once for many connections: its shared bytes where the role and extension allow. */
    OutFrame prepared(PreparedMessage message) {
        byte[] payload = message.payload();
        int opcode = message.opcode().code();
        if (deflate != null && deflate.compresses(payload.length)) {
            if (deflate.sendContextTakeover()) {
                return inOrder(opcode, payload); // our own window: the drainer compresses
            }
            ByteBuffer shared = message.deflatedFrame(deflate.level());
            if (shared != null) {
                return new OutFrame(masked ? maskableCopy(shared, opcode) : shared, WHOLE);
            }
        }
        return new OutFrame(masked ? frame(true, 0, opcode, payload, 0, payload.length) : message.unmaskedFrame(), WHOLE);
    }

    /** A data frame as the application gave it ({@code writeFrame}): possibly one fragment of a message; never compressed. */
    OutFrame dataFrame(boolean fin, int rsv, int opcode, byte[] payload) {
        return new OutFrame(frame(fin, rsv, opcode, payload, 0, payload.length), OutFrame.dataFlags(fin, opcode));
    }

    /** A ping, a pong or our close; {@code flags} says which ({@link OutFrame#CONTROL}, {@link OutFrame#AUTO_PING}, {@link OutFrame#CLOSE}). */
    OutFrame control(int rsv, int opcode, byte[] payload, int flags) {
        return new OutFrame(frame(true, rsv, opcode, payload, 0, payload.length), flags);
    }

    /** Queued plain with RSV1 as the extension's mark; the drainer compresses it in wire order. */
    private OutFrame inOrder(int opcode, byte[] payload) {
        return new OutFrame(frame(true, RSV1, opcode, payload, 0, payload.length), WHOLE | OutFrame.COMPRESS);
    }

    private ByteBuffer frame(boolean fin, int rsv, int opcode, byte[] payload, int off, int len) {
        return allocate(fin, rsv, opcode, len).put(payload, off, len).flip();
    }

    /** A client masks its own copy of a shared compressed payload; the drainer fills in the key. */
    private ByteBuffer maskableCopy(ByteBuffer shared, int opcode) {
        int at = DeflateCodec.payloadOffset(shared);
        int len = shared.limit() - at;
        return allocate(true, RSV1, opcode, len).put(shared.duplicate().position(at)).flip();
    }

    /** A frame with its header written and room for the payload. */
    private ByteBuffer allocate(boolean fin, int rsv, int opcode, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(FrameEncoder.headerLength(payloadLength, masked) + payloadLength);
        FrameEncoder.writeHeader(b, fin, rsv, opcode, payloadLength, masked, 0);
        return b;
    }
}
