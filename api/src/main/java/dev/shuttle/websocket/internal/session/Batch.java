package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The frames one gathering write carries, and what they count against the queue's limits. A
 * thread that writes a connection's queue itself reuses its own batch ({@link #ofThisThread}),
 * so writing allocates nothing; a batch the socket did not take whole moves to the connection's
 * drainer thread ({@link #rest}).
 */
final class Batch {
    /** Buffers per gathering write; more than enough to coalesce a burst of small messages. */
    static final int MAX = 64;
    /**
     * Bytes per gathering write (a single larger frame goes alone), so one batch does not hold
     * the socket for long and a write that makes no progress is a stall, not a big batch.
     */
    static final long MAX_BYTES = 256 * 1024;

    private static final ThreadLocal<Batch> OWN = ThreadLocal.withInitial(Batch::new);

    final ByteBuffer[] buffers;
    /** Buffers in the batch, and the first one not yet written whole. */
    int count;
    int first;
    /** Wire bytes, and what the data and control frames reserved in their lanes. */
    long bytes;
    long dataBytes;
    int controlBytes;
    /** Our close frame is the batch's last: nothing is written after it. */
    boolean close;
    /** Our automatic ping is in it: the pong timeout starts when it is written. */
    boolean autoPing;
    /** Taken by a thread's write in progress (a write that starts another write gets its own). */
    boolean inUse;

    Batch() {
        this(MAX);
    }

    private Batch(int capacity) {
        buffers = new ByteBuffer[capacity];
    }

    /** The calling thread's batch, or a new one when it is in use further up the stack. */
    static Batch ofThisThread() {
        Batch b = OWN.get();
        return b.inUse ? new Batch() : b;
    }

    boolean isFull() {
        return count == buffers.length;
    }

    void add(ByteBuffer b) {
        buffers[count++] = b;
        bytes += b.remaining();
    }

    /** Skips the buffers written whole; true when all are. */
    boolean written() {
        while (first < count && !buffers[first].hasRemaining()) {
            first++;
        }
        return first == count;
    }

    /** The unwritten part, as a batch of its own with the same accounting (for the drainer thread). */
    Batch rest() {
        Batch r = new Batch(count - first);
        System.arraycopy(buffers, first, r.buffers, 0, count - first);
        r.count = count - first;
        r.dataBytes = dataBytes;
        r.controlBytes = controlBytes;
        r.close = close;
        return r;
    }

    /** The unwritten buffers as an exactly sized array (for {@code Transport.write}). */
    ByteBuffer[] unwritten() {
        return first == 0 && count == buffers.length ? buffers : Arrays.copyOfRange(buffers, first, count);
    }

    /** Lets the frames go and makes the batch reusable. */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
        first = 0;
        bytes = 0;
        dataBytes = 0;
        controlBytes = 0;
        close = false;
        autoPing = false;
    }
}
