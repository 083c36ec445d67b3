package dev.shuttle.bench.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection of the load generator. Owned by exactly one {@link IoLoop} thread; no
 * field is shared. Kept small on purpose: the idle scenario opens tens of thousands of these.
 */
final class Conn {
    static final int CONNECTING = 0;
    static final int HANDSHAKING = 1;
    static final int OPEN = 2;
    static final int CLOSED = 3;

    /** Global index over all loops; connection 0 is the broadcast publisher. */
    final int index;
    final int maskKey;
    final FrameReader reader;
    SocketChannel channel;
    SelectionKey key;
    int state = CONNECTING;
    ClientHandshake handshake;
    /** The response head collected so far; dropped once the handshake is done. */
    byte[] handshakeIn;
    int handshakeHave;

    /** Bytes being written (read mode), or null; a scenario hands out the next ones when this is drained. */
    ByteBuffer pending;
    /** Whether OP_WRITE is registered, i.e. the socket's send buffer was full. */
    boolean blocked;

    // Scenario state; each scenario uses what it needs.
    /** Messages the rate allows to send now (open loop, publisher). */
    double credit;
    /** Closed loop: send time of the message in flight, 0 when none; and whether the next is due. */
    long sentAt;
    boolean due;
    /** Publisher: messages sent but not yet seen coming back. */
    int outstanding;
    /** Reusable frame bytes: a prebuilt block of frames, or one frame rebuilt per message. */
    byte[] scratch;
    /** A reusable buffer over {@link #scratch}, handed out as {@link #pending}. */
    ByteBuffer frame;

    Conn(int index, int maskKey, boolean wantStamp) {
        this.index = index;
        this.maskKey = maskKey;
        this.reader = new FrameReader(wantStamp);
    }
}
