package dev.shuttle.websocket.internal.deflate;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

import dev.shuttle.websocket.internal.codec.FrameEncoder;

/**
 * The compressing half of the permessage-deflate codec (RFC 7692 §7.2.1), pure: bytes and a
 * {@link Deflater} in, a frame out. The inflating half is {@link Inflation}.
 * <p>
 * A message is compressed with one {@code SYNC_FLUSH}, which ends the output on a byte boundary
 * with an empty stored block {@code 00 00 ff ff}; §7.2.1 removes those four bytes and the
 * receiver appends them again (§7.2.2). The deflater is neither finished nor reset here: with
 * context takeover (§7.1.1) the caller keeps it, so the next message may refer back into this one.
 */
public final class DeflateCodec {
    /** §7.2.1: the tail of a sync flush, removed by the sender, re-appended by the receiver. */
    static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    /** RSV1 in the first header byte: "Per-Message Compressed" (§6). */
    public static final int RSV1_BIT = 0x40;
    private static final int HEADER_ROOM = FrameEncoder.MAX_HEADER_LENGTH;
    /** Below this many bytes the spare capacity of the output array is not worth a trimming copy. */
    private static final int TRIM_ABOVE = 4096;

    private DeflateCodec() {
    }

    /**
     * One whole compressed frame: FIN, RSV1, the opcode and the compressed payload, unmasked, or
     * with a zero mask key for the writer to fill in when {@code masked} (a client's). The
     * compressed bytes are written after room for the longest header, and the header is put
     * right before them once their length is known, so nothing is copied.
     */
    public static ByteBuffer compressFrame(Deflater deflater, byte[] src, int off, int len, int opcode, boolean masked) {
        Output o = deflate(deflater, src, off, len, HEADER_ROOM);
        byte[] out = o.buf;
        int payloadLength = o.end - HEADER_ROOM;
        int headerLength = FrameEncoder.headerLength(payloadLength, masked);
        int start = HEADER_ROOM - headerLength;
        if (out.length > TRIM_ABOVE && out.length - o.end > o.end / 4) {
            // The queue holds this array until it is written: do not keep much unused capacity.
            byte[] exact = new byte[headerLength + payloadLength];
            System.arraycopy(out, HEADER_ROOM, exact, headerLength, payloadLength);
            out = exact;
            start = 0;
        }
        ByteBuffer frame = ByteBuffer.wrap(out, start, headerLength + payloadLength);
        FrameEncoder.writeHeader(frame, true, 0b100, opcode, payloadLength, masked, 0);
        return frame.position(start);
    }

    /** The compressed payload alone, tail removed (§7.2.1). */
    public static byte[] compress(Deflater deflater, byte[] src, int off, int len) {
        Output o = deflate(deflater, src, off, len, 0);
        return Arrays.copyOf(o.buf, o.end);
    }

    /** Where the payload of an encoded frame starts (after the length and mask key fields, RFC 6455 §5.2). */
    public static int payloadOffset(ByteBuffer frame) {
        int p = frame.position();
        int b1 = frame.get(p + 1) & 0xFF;
        int len7 = b1 & 0x7F;
        return p + 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
    }

    private record Output(byte[] buf, int end) {
    }

    /**
     * Compresses into a new array from index {@code at} on, growing it while deflate fills it
     * (the {@code Deflater} contract for SYNC_FLUSH: a call that fills the space must be repeated
     * with more space), and drops the §7.2.1 tail.
     */
    private static Output deflate(Deflater deflater, byte[] src, int off, int len, int at) {
        byte[] out = new byte[at + 64 + len / 2];
        int end = at;
        deflater.setInput(src, off, len);
        while (true) {
            end += deflater.deflate(out, end, out.length - end, Deflater.SYNC_FLUSH);
            if (end < out.length) {
                break; // space left over: all input consumed and the flush completed
            }
            out = Arrays.copyOf(out, out.length + Math.max(out.length / 2, 64));
        }
        if (end == at) {
            // zlib writes nothing for a flush with no new input (an empty message right after
            // another flush): send 0x00, the start of an empty stored block that the receiver's
            // appended 00 00 ff ff completes (§7.2.3.6), valid at any point of the stream.
            out[end] = 0;
            return new Output(out, end + 1);
        }
        // A sync flush always ends on the empty stored block; anything else is a broken deflater.
        if (end - at < TAIL.length || out[end - 4] != 0 || out[end - 3] != 0 || out[end - 2] != (byte) 0xFF || out[end - 1] != (byte) 0xFF) {
            throw new IllegalStateException("deflate output does not end with 00 00 ff ff");
        }
        return new Output(out, end - TAIL.length);
    }
}
