package dev.shuttle.websocket.internal.codec;

import java.nio.ByteBuffer;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/**
 * Parses frame headers (RFC 6455 §5.2) and rejects a bad one before its payload is read.
 * <p>
 * Every check happens at the header, so a bad frame costs neither a read nor an allocation of
 * its payload: RSV bits without an extension, reserved opcodes, fragmented or oversized control
 * frames, a 1-byte close payload, the wrong mask direction, a non-minimal or negative length
 * (all 1002) and a length above the limit (1009). A violation that the first two bytes already
 * show is reported as soon as those two bytes are there, without waiting for the rest.
 * <p>
 * The fields of the last header are kept in the instance (no allocation per frame) and read
 * with the accessors after {@link #parseHeader} returned true. The parser also tracks
 * fragmentation (§5.4) for the incoming direction. Not thread-safe: owned by the reading thread.
 */
public final class FrameParser {
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int RSV1 = 0b100;

    private final boolean expectMasked;
    private final boolean acceptUnmasked;
    private final long maxFramePayload;
    private boolean rsv1Allowed;

    // The last header parsed; valid after parseHeader returned true.
    private boolean fin;
    private int rsv;
    private int opcode;
    private boolean masked;
    private int maskKey;
    private long payloadLength;

    // Fragmentation (§5.4): whether a continuation is expected, and of which message.
    private boolean inMessage;
    private int messageOpcode;

    /**
     * @param expectMasked    true on a server (client frames must be masked), false on a client (server frames must not be)
     * @param acceptUnmasked  on a server: accept unmasked client frames anyway
     * @param maxFramePayload a larger payload length is refused with 1009
     * @param rsv1Allowed     true when an extension (permessage-deflate) owns RSV1
     */
    public FrameParser(boolean expectMasked, boolean acceptUnmasked, long maxFramePayload, boolean rsv1Allowed) {
        if (maxFramePayload < 0) {
            throw new IllegalArgumentException("maxFramePayload must not be negative: " + maxFramePayload);
        }
        this.expectMasked = expectMasked;
        this.acceptUnmasked = acceptUnmasked;
        this.maxFramePayload = maxFramePayload;
        this.rsv1Allowed = rsv1Allowed;
    }

    /**
     * Parses one header at {@code buf}'s position. Returns false and leaves the buffer untouched
     * when the header is not complete yet; returns true and advances past the header (mask key
     * included) otherwise. Throws a {@link WebSocketException} with 1002 / 1009 for a bad header.
     * Tracks fragmentation: a continuation without a started message, or a new data frame inside
     * one, is 1002.
     * <p>
     * On a throw the buffer is untouched too and the parser should not be used again (the
     * connection is failing). Multi-byte fields are read big-endian (§5.2) whatever
     * {@code buf.order()} is. The fragmentation state moves on with each header returned, so
     * call this once per frame.
     */
    public boolean parseHeader(ByteBuffer buf) throws WebSocketException {
        int start = buf.position();
        int available = buf.limit() - start;
        if (available < 2) {
            return false;
        }
        int b0 = buf.get(start) & 0xFF;
        int b1 = buf.get(start + 1) & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int rsv = (b0 >>> 4) & 0x7;
        int opcode = b0 & 0xF;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        checkFirstTwoBytes(fin, rsv, opcode, masked, len7);

        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        if (available < 2 + extended) {
            return false;
        }
        long length = len7;
        if (extended > 0) {
            length = readBigEndian(buf, start + 2, extended);
            checkExtendedLength(length, extended);
        }
        if (length > maxFramePayload) {
            // §10.4: refuse before anything of that size is read or allocated.
            throw new WebSocketException(CloseCode.MESSAGE_TOO_BIG,
                    "frame payload of " + length + " bytes exceeds the limit of " + maxFramePayload);
        }
        int headerLength = 2 + extended + (masked ? 4 : 0);
        if (available < headerLength) {
            return false;
        }

        this.fin = fin;
        this.rsv = rsv;
        this.opcode = opcode;
        this.masked = masked;
        this.maskKey = masked ? (int) readBigEndian(buf, start + 2 + extended, 4) : 0;
        this.payloadLength = length;
        if (opcode == OP_TEXT || opcode == OP_BINARY) {
            messageOpcode = opcode;
            inMessage = !fin;
        } else if (opcode == OP_CONTINUATION) {
            inMessage = !fin;
        }
        buf.position(start + headerLength);
        return true;
    }

    /** The checks that need only the first two bytes (§5.2, §5.4, §5.5, §5.1). */
    private void checkFirstTwoBytes(boolean fin, int rsv, int opcode, boolean masked, int len7) throws WebSocketException {
        boolean control = (opcode & 0x8) != 0;
        // §5.2: RSV bits must be 0 unless an extension defines them; only RSV1 has one (RFC 7692).
        if ((rsv & ~RSV1) != 0) {
            throw protocolError("RSV2/RSV3 set without a negotiated extension");
        }
        if (rsv != 0) {
            if (!rsv1Allowed) {
                throw protocolError("RSV1 set without a negotiated extension");
            }
            if (control) {
                throw protocolError("RSV1 set on a control frame (RFC 7692 §6.1)");
            }
            if (opcode == OP_CONTINUATION) {
                throw protocolError("RSV1 set on a continuation frame (RFC 7692 §6.1)");
            }
        }
        // §5.2: opcodes 3-7 and 11-15 are reserved.
        if (opcode > OP_BINARY && opcode < OP_CLOSE || opcode > 0xA) {
            throw protocolError("reserved opcode 0x" + Integer.toHexString(opcode));
        }
        if (control) {
            // §5.5: control frames are never fragmented and carry at most 125 bytes.
            if (!fin) {
                throw protocolError("fragmented control frame");
            }
            if (len7 > FrameEncoder.MAX_CONTROL_PAYLOAD) {
                throw protocolError("control frame payload longer than 125 bytes");
            }
            // §5.5.1: a close body is empty or starts with a 2-byte status code.
            if (opcode == OP_CLOSE && len7 == 1) {
                throw protocolError("close frame with a 1-byte payload");
            }
        } else if (opcode == OP_CONTINUATION) {
            if (!inMessage) {
                throw protocolError("continuation frame without a message in progress");
            }
        } else if (inMessage) {
            // §5.4: the fragments of one message are not interleaved with another data message.
            throw protocolError("new data frame while a fragmented message is in progress");
        }
        // §5.1: a client masks every frame, a server never does.
        if (masked != expectMasked && !(expectMasked && acceptUnmasked)) {
            throw protocolError(masked ? "masked frame from a server" : "unmasked frame from a client");
        }
    }

    /** §5.2: "the minimal number of bytes MUST be used", and the 64-bit length's top bit is 0. */
    private static void checkExtendedLength(long length, int extended) throws WebSocketException {
        if (extended == 2 && length < 126) {
            throw protocolError("non-minimal 16-bit payload length " + length);
        }
        if (extended == 8) {
            if (length < 0) {
                throw protocolError("64-bit payload length with the most significant bit set");
            }
            if (length <= 0xFFFF) {
                throw protocolError("non-minimal 64-bit payload length " + length);
            }
        }
    }

    private static long readBigEndian(ByteBuffer buf, int index, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            v = (v << 8) | (buf.get(index + i) & 0xFF);
        }
        return v;
    }

    private static WebSocketException protocolError(String message) {
        return new WebSocketException(CloseCode.PROTOCOL_ERROR, message);
    }

    /** FIN of the last header. */
    public boolean fin() {
        return fin;
    }

    /** RSV bits as 3-bit value. */
    public int rsv() {
        return rsv;
    }

    /** The 4-bit opcode of the last header (never a reserved one). */
    public int opcode() {
        return opcode;
    }

    public boolean masked() {
        return masked;
    }

    /** The mask key, big-endian (its high byte came first on the wire); 0 when not masked. */
    public int maskKey() {
        return maskKey;
    }

    /** Payload length of the last header: 0..maxFramePayload. */
    public long payloadLength() {
        return payloadLength;
    }

    /** True while a fragmented data message is in progress (continuation expected). */
    public boolean inMessage() {
        return inMessage;
    }

    /**
     * The opcode (TEXT or BINARY) of the message the last data frame belongs to, also for its
     * continuation frames; 0 before the first data frame.
     */
    public int messageOpcode() {
        return messageOpcode;
    }

    /** Enables or disables RSV1 (permessage-deflate negotiated after construction, on a client). */
    public void rsv1Allowed(boolean allowed) {
        this.rsv1Allowed = allowed;
    }
}
