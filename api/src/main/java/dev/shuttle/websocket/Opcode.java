package dev.shuttle.websocket;

/** Frame opcodes of RFC 6455 §5.2 and §11.8. The reserved values 3-7 and 11-15 have no constant. */
public enum Opcode {
    /** A continuation of a fragmented message. */
    CONTINUATION(0x0),
    /** A text message's first (or only) frame. */
    TEXT(0x1),
    /** A binary message's first (or only) frame. */
    BINARY(0x2),
    /** The close handshake. */
    CLOSE(0x8),
    /** A ping; the peer answers with a pong. */
    PING(0x9),
    /** A pong. */
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** {@return the 4-bit value on the wire} */
    public int code() {
        return code;
    }

    /** {@return control frames (close, ping, pong) have the high bit of the opcode set (§5.5)} */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /**
     * The opcode for a 4-bit wire value, or {@code null} if the value is reserved.
     *
     * @param code the 4-bit value
     * @return the opcode
     */
    public static Opcode of(int code) {
        return code >= 0 && code < 16 ? BY_CODE[code] : null;
    }
}
