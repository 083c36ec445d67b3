package dev.shuttle.websocket.bridge;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The envelope's binary layout, big-endian, 32 bytes of header:
 * <pre>
 * offset size
 *  0     1   magic 0x53 ('S')
 *  1     1   version 1
 *  2     1   flags: bit 0 = binary payload; the other bits must be 0
 *  3     1   reserved, 0
 *  4     16  publishing instance (UUID, most significant long first)
 *  20    8   message id (the publisher's sequence number)
 *  28    2   room length R in UTF-8 bytes (1 .. maxRoomBytes)
 *  30    R   room, UTF-8
 *  30+R  4   payload length P (0 .. maxPayload); 34+R+P must be the whole envelope
 *  34+R  P   payload; a text payload must be valid UTF-8
 * </pre>
 * Pure: bytes in, an {@link Envelope} out. Every length is checked against the bytes present and
 * the limits before anything is allocated, so a peer on the broker cannot make us hold more than
 * the envelope it sent; any violation is a {@link MalformedEnvelopeException}.
 */
public final class EnvelopeCodec {
    /** The first byte of every envelope. */
    public static final byte MAGIC = 0x53;
    /** The layout's version. */
    public static final byte VERSION = 1;
    /** The default bound on a room key: 1024 UTF-8 bytes. */
    public static final int DEFAULT_MAX_ROOM_BYTES = 1024;
    private static final int HEADER = 30;
    private static final int FLAG_BINARY = 1;

    private final int maxRoomBytes;
    private final int maxPayload;

    /**
     * A codec with these bounds.
     *
     * @param maxRoomBytes the longest room key in UTF-8 bytes (at most 65535)
     * @param maxPayload the largest payload: the hub's largest message
     * @throws IllegalArgumentException when a bound is below 1 or the room bound above 65535
     */
    public EnvelopeCodec(int maxRoomBytes, int maxPayload) {
        if (maxRoomBytes < 1 || maxRoomBytes > 0xFFFF) {
            throw new IllegalArgumentException("maxRoomBytes must be in 1..65535: " + maxRoomBytes);
        }
        if (maxPayload < 1) {
            throw new IllegalArgumentException("maxPayload must be at least 1: " + maxPayload);
        }
        this.maxRoomBytes = maxRoomBytes;
        this.maxPayload = maxPayload;
    }

    /**
     * Encodes an envelope.
     *
     * @param e the envelope
     * @return its bytes
     * @throws IllegalArgumentException when the room or the payload is beyond this codec's bounds
     *         (the bridge checks before, so it never publishes what a peer would refuse)
     */
    public byte[] encode(Envelope e) {
        byte[] room = e.room().getBytes(StandardCharsets.UTF_8);
        if (room.length < 1 || room.length > maxRoomBytes) {
            throw new IllegalArgumentException("room of " + room.length + " bytes (1.." + maxRoomBytes + ")");
        }
        if (e.payload().length > maxPayload) {
            throw new IllegalArgumentException("payload of " + e.payload().length + " bytes (at most " + maxPayload + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + room.length + 4 + e.payload().length);
        b.put(MAGIC).put(VERSION).put((byte) (e.binary() ? FLAG_BINARY : 0)).put((byte) 0);
        b.putLong(e.instance().getMostSignificantBits()).putLong(e.instance().getLeastSignificantBits());
        b.putLong(e.messageId());
        b.putShort((short) room.length).put(room);
        b.putInt(e.payload().length).put(e.payload());
        return b.array();
    }

    /**
     * Decodes an envelope.
     *
     * @param bytes what came from the broker
     * @return the envelope (its payload is a copy: the caller may reuse {@code bytes})
     * @throws MalformedEnvelopeException when the bytes are no envelope of this version or break a bound
     */
    public Envelope decode(byte[] bytes) throws MalformedEnvelopeException {
        if (bytes == null || bytes.length < HEADER + 1 + 4) {
            throw new MalformedEnvelopeException("too short: " + (bytes == null ? 0 : bytes.length) + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.get() != MAGIC) {
                throw new MalformedEnvelopeException("bad magic");
            }
            byte version = b.get();
            if (version != VERSION) {
                throw new MalformedEnvelopeException("unknown version " + version);
            }
            int flags = b.get() & 0xFF;
            if ((flags & ~FLAG_BINARY) != 0 || b.get() != 0) {
                throw new MalformedEnvelopeException("reserved bits set");
            }
            UUID instance = new UUID(b.getLong(), b.getLong());
            long messageId = b.getLong();
            int roomLength = b.getShort() & 0xFFFF;
            if (roomLength < 1 || roomLength > maxRoomBytes || roomLength > b.remaining() - 4) {
                throw new MalformedEnvelopeException("room length " + roomLength);
            }
            String room = utf8(bytes, b.position(), roomLength, "room");
            b.position(b.position() + roomLength);
            int payloadLength = b.getInt();
            if (payloadLength < 0 || payloadLength > maxPayload || payloadLength != b.remaining()) {
                throw new MalformedEnvelopeException("payload length " + Integer.toUnsignedString(payloadLength)
                        + " (" + b.remaining() + " bytes left, at most " + maxPayload + ")");
            }
            boolean binary = (flags & FLAG_BINARY) != 0;
            if (!binary) {
                utf8(bytes, b.position(), payloadLength, "text payload");
            }
            byte[] payload = new byte[payloadLength];
            b.get(payload);
            return new Envelope(instance, room, messageId, binary, payload);
        } catch (BufferUnderflowException e) {
            throw new MalformedEnvelopeException("truncated");
        }
    }

    private static String utf8(byte[] bytes, int offset, int length, String what) throws MalformedEnvelopeException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEnvelopeException(what + " is not valid UTF-8");
        }
    }

    /** {@return the longest room key accepted, in UTF-8 bytes} */
    public int maxRoomBytes() {
        return maxRoomBytes;
    }

    /** {@return the largest payload accepted} */
    public int maxPayload() {
        return maxPayload;
    }
}
