package dev.shuttle.websocket;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.internal.codec.ClosePayload;
import dev.shuttle.websocket.internal.codec.FrameParser;
import dev.shuttle.websocket.internal.codec.Masking;

/**
 * Reads frames from bytes, with every RFC 6455 §5 check, independent of any connection: for
 * tools, proxies, tests, or a transport of your own.
 * <p>
 * Feed it the bytes of one direction of a connection, in order. Each {@link #decode} call
 * returns the next whole frame (payload unmasked) or {@code null} when the buffer does not hold
 * a whole frame yet. A bad frame throws a {@link WebSocketException} whose
 * {@link WebSocketException#closeCode() closeCode()} is the code to close with:
 * <ul>
 *   <li>1002: reserved opcode, RSV bits without an extension, a fragmented or longer than
 *       125 bytes control frame, the wrong mask direction (§5.1), a non-minimal length, a
 *       continuation without a message or a data frame inside a fragmented message (§5.4),
 *       a close frame with a 1-byte body or a code that may not be sent (§7.4);</li>
 *   <li>1007: a close reason that is not UTF-8;</li>
 *   <li>1009: a payload longer than {@code maxFramePayload}.</li>
 * </ul>
 * Header problems are found from the header alone, before the payload is read or allocated.
 * The decoder does not validate the UTF-8 of text frames (a character may span frames, and
 * compressed frames must be inflated first), does not reassemble messages and does not inflate
 * permessage-deflate payloads.
 * <p>
 * Example, reading the frames a client sent:
 * <pre>{@code
 * FrameDecoder decoder = new FrameDecoder(true, 1 << 20);   // client frames are masked
 * ByteBuffer in = ByteBuffer.allocate(64 * 1024);
 * while (channel.read(in) >= 0) {
 *     in.flip();
 *     for (Frame f; (f = decoder.decode(in)) != null; ) {
 *         System.out.println(f);                              // Frame[TEXT, 5 bytes]
 *     }
 *     in.compact();                                           // keep a partial frame
 * }
 * }</pre>
 * A decoder keeps state between calls (fragmentation, and a header already checked while its
 * payload is still arriving), so use one per stream and call it again with the same unread
 * bytes followed by more. Not thread-safe; frames it returns are immutable.
 */
public final class FrameDecoder {
    /** A Java array holds a little less than 2^31 bytes; a longer frame cannot be returned whole. */
    private static final long MAX_ARRAY_PAYLOAD = Integer.MAX_VALUE - 8;

    private final FrameParser parser;
    /** Header length of a frame whose header was parsed but whose payload is still incomplete; 0 if none. */
    private int pendingHeaderLength;

    /**
     * A decoder without extensions (RSV bits refused with 1002).
     *
     * @param expectMasked    true to decode frames sent by a client (they must be masked),
     *                        false for frames sent by a server (they must not be)
     * @param maxFramePayload larger frames are refused with 1009 before their payload is read;
     *                        capped at the largest array Java can allocate
     */
    public FrameDecoder(boolean expectMasked, long maxFramePayload) {
        this(expectMasked, maxFramePayload, false);
    }

    /**
     * A decoder that may accept RSV1 (permessage-deflate).
     *
     * @param expectMasked    true to decode frames sent by a client (they must be masked),
     *                        false for frames sent by a server (they must not be)
     * @param maxFramePayload larger frames are refused with 1009 before their payload is read;
     *                        capped at the largest array Java can allocate
     * @param rsv1Allowed     true to accept RSV1 on the first frame of a data message, as
     *                        permessage-deflate (RFC 7692) does; payloads are returned as sent
     * @throws IllegalArgumentException if {@code maxFramePayload} is negative
     */
    public FrameDecoder(boolean expectMasked, long maxFramePayload, boolean rsv1Allowed) {
        this.parser = new FrameParser(expectMasked, false, Math.min(maxFramePayload, MAX_ARRAY_PAYLOAD), rsv1Allowed);
    }

    /**
     * Decodes the next whole frame from the buffer's position (advancing it), or returns null
     * when more bytes are needed; then the position is unchanged. On a throw the position is
     * unchanged as well, and the decoder must not be used again.
     *
     * @throws WebSocketException with 1002, 1007 or 1009 for a frame that breaks RFC 6455
     * @param buffer bytes received, from its position to its limit
     * @return the next frame, or {@code null} when more bytes are needed
     */
    public Frame decode(ByteBuffer buffer) throws WebSocketException {
        int start = buffer.position();
        if (pendingHeaderLength == 0) {
            if (!parser.parseHeader(buffer)) {
                return null;
            }
            pendingHeaderLength = buffer.position() - start;
            buffer.position(start);
        }
        int length = (int) parser.payloadLength();   // fits: the limit is capped at MAX_ARRAY_PAYLOAD
        if (buffer.remaining() - pendingHeaderLength < length) {
            return null;                               // the header is remembered, not parsed twice
        }
        buffer.position(start + pendingHeaderLength);
        byte[] payload = new byte[length];
        if (parser.masked()) {
            Masking.unmaskCopy(buffer, payload, 0, length, parser.maskKey(), 0);
        } else {
            buffer.get(payload);
        }
        Opcode opcode = Opcode.of(parser.opcode());
        if (opcode == Opcode.CLOSE) {
            try {
                ClosePayload.validate(payload);
            } catch (WebSocketException e) {
                buffer.position(start);
                throw e;
            }
        }
        pendingHeaderLength = 0;
        return new Frame(parser.fin(), parser.rsv(), opcode, payload);
    }
}
