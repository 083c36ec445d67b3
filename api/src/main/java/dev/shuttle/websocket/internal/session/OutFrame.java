package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;

/**
 * One encoded frame in a connection's outbound queue, with a small descriptor of what it is, so
 * the drainer and the overflow policy decide from the descriptor and never re-read the bytes. It
 * is its own queue node ({@link #next}, see {@link Lane}): queueing a frame allocates nothing more.
 */
final class OutFrame {
    /** A data frame that starts a message (TEXT or BINARY opcode). */
    static final int FIRST = 1;
    /** A data frame with FIN: the message ends with it. */
    static final int LAST = 2;
    /** A plain frame marked with RSV1 that the drainer compresses in wire order (context takeover, RFC 7692 §7.1.1). */
    static final int COMPRESS = 4;
    /** A ping or a pong: it may go out between the fragments of a message (RFC 6455 §5.4). */
    static final int CONTROL = 8;
    /** Our automatic keepalive ping: the pong timeout starts when it is written. */
    static final int AUTO_PING = 16;
    /** Our close frame: nothing is written after it. */
    static final int CLOSE = 32;

    /** The encoded frame, header included (a client's with a zero mask key the drainer fills in). */
    private final ByteBuffer bytes;
    private final int flags;
    /** The next frame in its {@link Lane}; written before the frame is published. */
    OutFrame next;

    OutFrame(ByteBuffer bytes, int flags) {
        this.bytes = bytes;
        this.flags = flags;
    }

    /** Descriptor flags of a data frame from its FIN bit and opcode. */
    static int dataFlags(boolean fin, int opcode) {
        return (opcode != 0 ? FIRST : 0) | (fin ? LAST : 0);
    }

    ByteBuffer bytes() {
        return bytes;
    }

    int flags() {
        return flags;
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    /** Bytes this frame takes in the queue as encoded (before compression in order). */
    int size() {
        return bytes.remaining();
    }
}
