package dev.shuttle.websocket.internal.session;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.internal.codec.FrameEncoder;
import dev.shuttle.websocket.internal.codec.Masking;
import dev.shuttle.websocket.internal.metrics.MetricsCounters;
import dev.shuttle.websocket.spi.Transport;

/**
 * The outbound side of one connection: many producers, one writer at a time.
 * <p>
 * Producers offer encoded frames ({@link OutFrame}: the bytes and a descriptor) to lock-free
 * {@link Lane}s; the flag {@link #draining} makes sure exactly one thread writes. When nobody is
 * writing, the producer itself takes everything queued and writes it with a non-blocking
 * gathering write ({@link Transport#writeNow}); only what the socket does not take goes to a
 * drainer virtual thread, which waits for the socket and goes on until the lanes are empty. So a
 * reader answering its peer writes its answer on its own thread, with no thread hop and no
 * thread start. A reader working through frames that already arrived defers this to the end of
 * its batch ({@link Reader#deferFlush}), so its answers, and what it sends to other connections,
 * go out together in one write each. Transports that cannot write without waiting get a drainer
 * thread per burst, as before.
 * <p>
 * Pings, pongs and the urgent close go to their own lane and overtake queued data, also between
 * the fragments of a message in progress (RFC 6455 §5.4 allows control frames there), so a pong
 * answers a ping whatever the application is streaming. Our normal close frame travels in the
 * data lane, after what the user queued before it; nothing is written after a close.
 * <p>
 * Memory is bounded: data frames count against {@link Options#maxQueuedBytes()}, and the
 * {@link OverflowPolicy} decides when a message would not fit — per message: the first frame of
 * a fragmented message decides for all of it, so the peer never sees a continuation without its
 * start or a message inside an unfinished one. The continuations of an admitted message are
 * always queued (the application streams them; it chose their size). A frame larger than the
 * whole limit is still accepted into an empty queue, otherwise it could never be sent.
 * <p>
 * A blocking write in progress is visible through {@link #writingSince()}: the connection's
 * timers close a peer that takes no bytes for {@link Options#writeStallTimeout()}.
 */
final class Outbound {
    /**
     * Pings and pongs waiting to be written. Beyond this a peer is flooding us with pings it does
     * not read the answers to; further pongs are dropped (RFC 6455 §5.5.3 lets an endpoint answer
     * only some of several pings), so the control lane stays bounded too.
     */
    static final int MAX_QUEUED_CONTROL_BYTES = 64 * 1024;
    /**
     * What one queued frame costs beyond its bytes (its descriptor and buffer objects and the
     * array header), charged against {@link Options#maxQueuedBytes()} so that a flood of tiny
     * messages is bounded by real memory, not by a fraction of it.
     */
    static final int FRAME_OVERHEAD = 112;

    /** Producer side of the per-message decision: no fragmented message open. */
    private static final int NO_MESSAGE = 0;
    /** The open fragmented message was admitted: its continuations are queued whatever the fill. */
    private static final int ADMITTED = 1;
    /** The open fragmented message was dropped: its continuations are dropped too. */
    private static final int DROPPING = 2;

    private static final VarHandle QUEUED;
    private static final VarHandle QUEUED_CONTROL;
    private static final VarHandle DRAINING;
    private static final VarHandle ROOM_WAIT;
    private static final VarHandle DATA;
    private static final VarHandle CONTROL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUED = l.findVarHandle(Outbound.class, "queuedBytes", long.class);
            QUEUED_CONTROL = l.findVarHandle(Outbound.class, "queuedControlBytes", int.class);
            DRAINING = l.findVarHandle(Outbound.class, "draining", boolean.class);
            ROOM_WAIT = l.findVarHandle(Outbound.class, "roomWait", RoomWait.class);
            DATA = l.findVarHandle(Outbound.class, "data", Lane.class);
            CONTROL = l.findVarHandle(Outbound.class, "control", Lane.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The transport, the limits and the policy are read from the owner when needed rather than
    // copied into every connection: an idle connection's queue is a few fields.
    private final Connection owner;
    /** The transport takes non-blocking writes: producers write themselves. */
    private final boolean writesInline;
    /** Client frames carry a mask; the writer picks the key and masks just before writing. */
    private final MaskKeys maskKeys;

    /**
     * Data frames and our normal close; created by the first frame queued (with {@link #control}:
     * pings, pongs and the urgent close), so a connection that never queued holds no lane. Once
     * set, a lane stays: producers and the writer never see it go.
     */
    private volatile Lane data;
    private volatile Lane control;
    private volatile long queuedBytes;
    /** At most {@link #MAX_QUEUED_CONTROL_BYTES} plus one 125-byte frame per racing producer: an int. */
    private volatile int queuedControlBytes;
    /** Someone holds the right to write (and to consume the lanes). */
    private volatile boolean draining;
    /** Set once our close frame was written or the transport failed: nothing more goes out. */
    private volatile boolean finished;
    /** When the blocking write in progress started (System.nanoTime), 0 while none is: the write-stall timer reads it. */
    private volatile long writingSince;
    /**
     * The fragmented message being written, one of {@link #NO_MESSAGE}, {@link #ADMITTED},
     * {@link #DROPPING}. The fragments of one message come from one writer at a time (the
     * application's contract for {@code writeFrame}), so a volatile suffices.
     */
    private volatile int openMessage;
    /** The reader that will flush this queue at the end of its batch, if one will ({@link Reader#deferFlush}). */
    volatile Reader deferredBy;

    /**
     * Producers waiting for room (the BLOCK policy, or a hub's backpressure): created by the
     * first one that has to wait, so idle connections stay small. Its lock is never held across I/O.
     */
    private volatile RoomWait roomWait;

    private static final class RoomWait {
        final ReentrantLock lock = new ReentrantLock();
        final Condition room = lock.newCondition();
        /** Producers waiting; changed under the lock, read without it by {@link #wakeWaiters()}. */
        volatile int waiters;
    }

    Outbound(Connection owner, boolean maskFrames) {
        this.owner = owner;
        this.writesInline = owner.transport.writesWithoutWaiting();
        this.maskKeys = maskFrames ? new MaskKeys() : null;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** Queues a data frame (a whole message or one fragment) under the overflow policy, decided per message. */
    SendResult offerData(OutFrame frame) {
        Options options = owner.options;
        return offerData(frame, options.overflowPolicy(), options.maxQueuedBytes(), options.blockTimeout().toNanos());
    }

    /**
     * {@link #offerData(OutFrame)} under a policy and a limit of the caller's (a hub's) instead
     * of the connection's; {@code blockNanos} bounds a BLOCK wait ({@code Long.MAX_VALUE}: until
     * there is room or the connection is closing).
     */
    SendResult offerData(OutFrame frame, OverflowPolicy policy, long limit, long blockNanos) {
        if (finished || owner.closeState().closeQueued()) {
            return SendResult.CLOSED;
        }
        int size = frame.size() + FRAME_OVERHEAD;
        boolean last = frame.is(OutFrame.LAST);
        if (!frame.is(OutFrame.FIRST)) {
            // A continuation: its message was decided at its first frame.
            if (openMessage == DROPPING) {
                if (last) {
                    openMessage = NO_MESSAGE;
                }
                owner.countDropped(MetricsCounters.DROP_QUEUE_FULL);
                return SendResult.DROPPED;
            }
            if (last) {
                openMessage = NO_MESSAGE;
            }
            QUEUED.getAndAdd(this, (long) size);
            return enqueue(frame);
        }
        if (!reserve(size, limit)) {
            SendResult refused = refuse(size, policy, limit, blockNanos);
            if (refused != null) {
                if (!last && refused != SendResult.CLOSED) {
                    openMessage = DROPPING;
                }
                return refused;
            }
        }
        if (!last) {
            openMessage = ADMITTED;
        }
        return enqueue(frame);
    }

    /**
     * The fast path of a whole, plain server message: when nobody is writing, nothing is queued
     * and the calling thread is not a reader in the middle of a batch, lays the frame out in a
     * {@link WriteScratch} buffer and writes it at once, with no frame object and no queue node;
     * what the socket does not take is copied to the drainer thread. Null when the message must
     * take the queued path ({@link #offerData}).
     */
    SendResult tryWriteDirect(int opcode, byte[] payload) {
        int len = payload.length;
        if (!writesInline || maskKeys != null || draining || len > WriteScratch.SIZE - 10 || openMessage != NO_MESSAGE
                || finished || owner.closeState().closeQueued() || Reader.isBatchingOnThisThread()) {
            return null;
        }
        if (!DRAINING.compareAndSet(this, false, true)) {
            return null;
        }
        if (anyPushed()) {
            drainHere(); // what was queued first goes first; ours follows by the queued path
            return null;
        }
        ByteBuffer scratch = WriteScratch.take();
        if (scratch == null) {
            if (!letGo()) {
                drainHere();
            }
            return null;
        }
        Batch b = Batch.ofThisThread();
        b.inUse = true;
        try {
            FrameEncoder.writeHeader(scratch, true, 0, opcode, len, false, 0);
            scratch.put(payload).flip();
            b.add(scratch);
            long w;
            do {
                w = owner.transport.writeNow(b.buffers, 0, 1);
            } while (scratch.hasRemaining() && w > 0);
            if (scratch.hasRemaining()) {
                // The socket is full: the rest goes to a drainer, counted like a queued frame.
                ByteBuffer rest = ByteBuffer.allocate(scratch.remaining()).put(scratch).flip();
                b.clear();
                b.add(rest);
                b.dataBytes = rest.remaining() + FRAME_OVERHEAD;
                QUEUED.getAndAdd(this, b.dataBytes);
                startDrainer(b.rest());
                return SendResult.QUEUED;
            }
        } catch (Throwable e) {
            failed(e);
            return SendResult.QUEUED; // like a queued frame whose write failed: onClose tells
        } finally {
            b.clear();
            b.inUse = false;
            WriteScratch.release(scratch);
        }
        if (!letGo()) {
            drainHere(); // others queued meanwhile and saw the flag set
        }
        return SendResult.QUEUED;
    }

    /** The queue is full: the policy's answer, or null when room was found after all (BLOCK). */
    private SendResult refuse(int size, OverflowPolicy policy, long limit, long blockNanos) {
        switch (policy) {
            case DROP:
                owner.countDropped(MetricsCounters.DROP_QUEUE_FULL);
                return SendResult.DROPPED;
            case BLOCK:
                if (awaitRoom(size, limit, blockNanos)) {
                    return null;
                }
                if (finished || owner.closeState().closeQueued()) {
                    return SendResult.CLOSED;
                }
                owner.countDropped(MetricsCounters.DROP_BLOCK_TIMEOUT);
                return SendResult.TIMED_OUT;
            case CLOSE:
            default:
                owner.countDropped(MetricsCounters.DROP_SLOW_CONSUMER);
                owner.closeSlowConsumer();
                return SendResult.CLOSED;
        }
    }

    private SendResult enqueue(OutFrame frame) {
        dataLane().push(frame);
        signal();
        return SendResult.QUEUED;
    }

    /** Queues a ping or pong ahead of queued messages. */
    SendResult offerControl(OutFrame frame) {
        if (finished || owner.closeState().closeQueued()) {
            return SendResult.CLOSED;
        }
        int size = frame.size();
        if ((int) QUEUED_CONTROL.getAndAdd(this, size) + size > MAX_QUEUED_CONTROL_BYTES) {
            QUEUED_CONTROL.getAndAdd(this, -size);
            return SendResult.DROPPED;
        }
        controlLane().push(frame);
        signal();
        return SendResult.QUEUED;
    }

    /**
     * Queues our close frame. Normally it follows the queued messages; {@code urgent} (the CLOSE
     * overflow policy, a peer that stopped answering pings) discards them and sends it next.
     */
    void offerClose(OutFrame frame, boolean urgent) {
        if (urgent) {
            discardPushedData();
            QUEUED_CONTROL.getAndAdd(this, frame.size());
            controlLane().push(frame);
        } else {
            QUEUED.getAndAdd(this, (long) frame.size() + FRAME_OVERHEAD);
            dataLane().push(frame);
        }
        signal();
    }

    /** Our close frame was written, or the output failed or was shut down: nothing more will be written. */
    boolean isFinished() {
        return finished;
    }

    /** When the blocking write in progress started ({@link System#nanoTime()}), or 0 when none is. */
    long writingSince() {
        return writingSince;
    }

    /** The connection is gone: drop everything and release waiting producers. */
    void shutdown() {
        finished = true;
        discardPushedData();
        Lane c = control;
        if (c != null) {
            c.clearPushed();
        }
        wakeWaiters();
    }

    /** The end of a reader's batch: writes what it deferred, unless someone is writing already. */
    void flush() {
        if (!draining && anyPushed() && DRAINING.compareAndSet(this, false, true)) {
            drainHere();
        }
    }

    private boolean reserve(int size, long limit) {
        while (true) {
            long q = queuedBytes;
            if (q > 0 && q + size > limit) {
                return false;
            }
            if (QUEUED.compareAndSet(this, q, q + size)) {
                return true;
            }
        }
    }

    private boolean awaitRoom(int size, long limit, long blockNanos) {
        // What this thread deferred may be what fills the queue: it must go out before we wait.
        Reader.flushDeferredOfThisThread();
        RoomWait w = roomWait;
        if (w == null) {
            RoomWait fresh = new RoomWait();
            w = ROOM_WAIT.compareAndSet(this, null, fresh) ? fresh : roomWait;
        }
        long nanos = blockNanos;
        w.lock.lock();
        try {
            w.waiters++;
            // waiters is published before reserve looks again, and written() frees room before
            // it reads waiters: one side always sees the other.
            while (!reserve(size, limit)) {
                if (finished || owner.closeState().closeQueued() || nanos <= 0) {
                    return false;
                }
                nanos = nanos == Long.MAX_VALUE ? awaitLong(w) : w.room.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            w.waiters--;
            w.lock.unlock();
        }
    }

    /** An unbounded wait for room: ended by the writer, the close or the write-stall timeout. */
    private static long awaitLong(RoomWait w) throws InterruptedException {
        w.room.await();
        return Long.MAX_VALUE;
    }

    private void wakeWaiters() {
        RoomWait w = roomWait;
        if (w != null && w.waiters > 0) {
            w.lock.lock();
            try {
                w.room.signalAll();
            } finally {
                w.lock.unlock();
            }
        }
    }

    private void signal() {
        if (draining) {
            return; // the writer will see the frame before it lets go of the flag
        }
        if (writesInline) {
            if (Reader.deferFlush(this) || !DRAINING.compareAndSet(this, false, true)) {
                return;
            }
            drainHere();
        } else if (DRAINING.compareAndSet(this, false, true)) {
            startDrainer(null);
        }
    }

    /** The calling thread holds the flag: writes what the socket takes now; the rest goes to a drainer thread. */
    private void drainHere() {
        Batch b = Batch.ofThisThread();
        b.inUse = true;
        try {
            while (!finished) {
                if (!collect(b)) {
                    if (letGo()) {
                        return;
                    }
                    continue;
                }
                long w;
                do {
                    w = owner.transport.writeNow(b.buffers, b.first, b.count - b.first);
                } while (!b.written() && w > 0);
                if (!b.written()) {
                    startDrainer(b.rest());
                    return;
                }
                if (written(b)) {
                    return;
                }
                b.clear();
            }
        } catch (Throwable e) {
            failed(e);
        } finally {
            b.clear();
            b.inUse = false;
        }
    }

    private void startDrainer(Batch unwritten) {
        try {
            Thread.startVirtualThread(() -> drain(unwritten));
        } catch (Throwable e) {
            failed(e);
        }
    }

    /** The drainer thread: the unwritten part of a batch first, then everything queued, waiting for the socket as needed. */
    private void drain(Batch unwritten) {
        Batch b = unwritten != null ? unwritten : new Batch();
        try {
            if (unwritten != null) {
                writeBlocking(b);
                if (written(b)) {
                    return;
                }
                b = new Batch();
            }
            while (!finished) {
                if (!collect(b)) {
                    if (letGo()) {
                        return;
                    }
                    continue;
                }
                writeBlocking(b);
                if (written(b)) {
                    return;
                }
                b.clear();
            }
            // finished: draining stays set, no writer will start again
        } catch (Throwable e) {
            failed(e);
        }
    }

    private void writeBlocking(Batch b) throws IOException {
        writingSince = System.nanoTime();
        try {
            owner.transport.write(b.unwritten());
        } finally {
            writingSince = 0;
        }
    }

    /**
     * Nothing left to take: lets go of the flag, then looks again, since a producer may have
     * queued after our last look and seen the flag still set. True when this writer is done.
     */
    private boolean letGo() {
        draining = false;
        return !anyPushed() || !DRAINING.compareAndSet(this, false, true);
    }

    /** Any thread: whether a producer pushed a frame the writer has not taken yet. */
    private boolean anyPushed() {
        Lane d = data;
        Lane c = control;
        return d != null && d.hasPushed() || c != null && c.hasPushed();
    }

    private Lane dataLane() {
        Lane l = data;
        if (l == null && !DATA.compareAndSet(this, null, l = new Lane())) {
            l = data;
        }
        return l;
    }

    private Lane controlLane() {
        Lane l = control;
        if (l == null && !CONTROL.compareAndSet(this, null, l = new Lane())) {
            l = control;
        }
        return l;
    }

    /**
     * Takes the next batch from the lanes (control frames first, whether or not a fragmented
     * message is open, §5.4), compresses and masks it; false when both lanes are empty.
     */
    private boolean collect(Batch b) {
        Lane control = this.control;
        Lane data = this.data;
        OutFrame f;
        while (control != null && !b.isFull() && (f = control.poll()) != null) {
            b.add(f.bytes());
            b.controlBytes += f.size();
            b.autoPing |= f.is(OutFrame.AUTO_PING);
            if (f.is(OutFrame.CLOSE)) {
                b.close = true;
                break;
            }
        }
        while (data != null && !b.close && !b.isFull() && (b.count == 0 || b.bytes < Batch.MAX_BYTES) && (f = data.poll()) != null) {
            ByteBuffer bytes = f.bytes();
            if (f.is(OutFrame.COMPRESS)) {
                // Only with context takeover on our side (see OutgoingFrames): compressed here, in wire order.
                bytes = owner.deflate.compressQueued(bytes);
            }
            b.add(bytes);
            b.dataBytes += f.size() + FRAME_OVERHEAD; // what the writer reserved
            b.close = f.is(OutFrame.CLOSE);
            if (this.control != null && this.control.hasPushed()) {
                break; // a pong or the urgent close arrived: it goes in the next batch, first
            }
        }
        if (b.count == 0) {
            return false;
        }
        if (maskKeys != null) {
            for (int i = 0; i < b.count; i++) {
                mask(b.buffers[i]);
            }
        }
        if (b.autoPing) {
            owner.pingWritten(System.nanoTime());
        }
        return true;
    }

    /** A batch is on the wire: gives back its room; true when it carried our close (nothing more goes out). */
    private boolean written(Batch b) {
        QUEUED.getAndAdd(this, -b.dataBytes);
        QUEUED_CONTROL.getAndAdd(this, -b.controlBytes);
        wakeWaiters();
        if (!b.close) {
            return false;
        }
        finished = true;
        discardData();
        owner.onCloseWritten();
        return true;
    }

    /**
     * Whatever went wrong (the socket, a bug, out of memory), this connection's output is over;
     * the connection fails and the frames it held are let go. The flag stays set.
     */
    private void failed(Throwable e) {
        finished = true;
        discardData();
        wakeWaiters();
        owner.onWriteFailed(e);
    }

    /** The flag holder: drops every queued frame. */
    private void discardData() {
        Lane d = data;
        Lane c = control;
        if (d != null) {
            d.clear();
        }
        if (c != null) {
            c.clear();
        }
        queuedBytes = 0;
    }

    /** Any thread: drops the data frames not yet taken by the writer. */
    private void discardPushedData() {
        Lane d = data;
        if (d != null) {
            d.clearPushed();
        }
        queuedBytes = 0;
    }

    /** Fills in the mask key that the producer left as zeros and masks the payload in place (RFC 6455 §5.3). */
    private void mask(ByteBuffer frame) {
        int p = frame.position();
        int len7 = frame.get(p + 1) & 0x7F;
        int keyAt = p + 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        int key = maskKeys.next();
        frame.putInt(keyAt, key);
        int payloadAt = keyAt + 4;
        Masking.mask(frame.array(), frame.arrayOffset() + payloadAt, frame.limit() - payloadAt, key, 0);
    }
}
