package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.internal.codec.FrameEncoder;
import dev.shuttle.websocket.internal.deflate.DeflateCodec;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;

/**
 * How a connection with permessage-deflate (RFC 7692) turns an outgoing data message into a
 * frame; each method returns null when the message goes plain (below the threshold, or not
 * smaller compressed), and the connection then encodes it as usual.
 * <p>
 * Where compression happens, and why:
 * <ul>
 * <li>Our side keeps its window (context takeover, §7.1.1): the message is queued plain with
 *     RSV1 as the extension's mark, and the single drainer compresses it just before writing
 *     ({@link Outbound}), so the compressed stream follows the wire order of concurrent writers
 *     and a message the overflow policy drops never enters the window.</li>
 * <li>No context takeover: every message stands alone, so the writing thread compresses it at
 *     once with a pooled deflater (work spreads over the writers, the queue holds the smaller
 *     bytes), and a {@link PreparedMessage} is compressed once for all its receivers.</li>
 * </ul>
 * Fragments written through {@code writeFrame} and control frames are never compressed (§6.1).
 */
final class DeflateFrames {
    private DeflateFrames() {
    }

    static ByteBuffer message(PerMessageDeflate deflate, boolean masked, int opcode, byte[] payload) {
        if (!deflate.compresses(payload.length)) {
            return null;
        }
        if (deflate.sendContextTakeover()) {
            return marked(masked, opcode, payload);
        }
        return deflate.compressNow(opcode, payload, 0, payload.length);
    }

    static ByteBuffer prepared(PerMessageDeflate deflate, boolean masked, PreparedMessage message) {
        byte[] payload = message.payload();
        int opcode = message.opcode().code();
        if (!deflate.compresses(payload.length)) {
            return null;
        }
        if (deflate.sendContextTakeover()) {
            return marked(masked, opcode, payload); // our window is ours alone: compressed by our drainer
        }
        ByteBuffer shared = message.deflatedFrame(deflate.level());
        if (shared == null || !masked) {
            return shared;
        }
        // A client masks its own copy of the shared compressed payload; the drainer fills in the key.
        int at = DeflateCodec.payloadOffset(shared);
        int len = shared.limit() - at;
        ByteBuffer b = ByteBuffer.allocate(FrameEncoder.headerLength(len, true) + len);
        FrameEncoder.writeHeader(b, true, 0b100, opcode, len, true, 0);
        return b.put(shared.position(at)).flip();
    }

    /** The plain frame with RSV1 set: in our queue, the extension's "compress me" mark for the drainer. */
    private static ByteBuffer marked(boolean masked, int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(FrameEncoder.headerLength(payload.length, masked) + payload.length);
        FrameEncoder.writeHeader(b, true, 0b100, opcode, payload.length, masked, 0);
        return b.put(payload).flip();
    }
}
