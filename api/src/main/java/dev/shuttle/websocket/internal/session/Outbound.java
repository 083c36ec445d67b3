package dev.shuttle.websocket.internal.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.internal.codec.Masking;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;
import dev.shuttle.websocket.spi.Transport;

/**
 * The outbound side of one connection: many producers, one writer at a time.
 * <p>
 * Producers only offer encoded frames ({@link OutFrame}: the bytes and a descriptor) to
 * lock-free queues and, if nobody is draining, start a drainer (a virtual thread); the flag
 * {@link #draining} makes sure exactly one runs. The drainer takes everything queued and writes
 * it with one gathering write per batch, deciding from each frame's descriptor alone. Pings,
 * pongs and the urgent close go to their own lane and overtake queued data, also between the
 * fragments of a message in progress (RFC 6455 §5.4 allows control frames there), so a pong
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
 * A write in progress is visible through {@link #writingSince()}: the connection's timers close
 * a peer that takes no bytes for {@link Options#writeStallTimeout()}.
 */
final class Outbound {
    /** Buffers per gathering write; more than enough to coalesce a burst of small messages. */
    private static final int MAX_BATCH = 64;
    /**
     * Pings and pongs waiting to be written. Beyond this a peer is flooding us with pings it does
     * not read the answers to; further pongs are dropped (RFC 6455 §5.5.3 lets an endpoint answer
     * only some of several pings), so the control lane stays bounded too.
     */
    static final int MAX_QUEUED_CONTROL_BYTES = 64 * 1024;
    /**
     * What one queued frame costs beyond its bytes (its descriptor, buffer object, array header
     * and queue node), charged against {@link Options#maxQueuedBytes()} so that a flood of tiny
     * messages is bounded by real memory, not by a fraction of it.
     */
    static final int FRAME_OVERHEAD = 112;
    /**
     * Bytes per gathering write (a single larger frame goes alone), so one batch does not hold
     * the socket for long and a write that makes no progress is a stall, not a big batch.
     */
    private static final long MAX_BATCH_BYTES = 256 * 1024;

    /** Producer side of the per-message decision: no fragmented message open. */
    private static final int NO_MESSAGE = 0;
    /** The open fragmented message was admitted: its continuations are queued whatever the fill. */
    private static final int ADMITTED = 1;
    /** The open fragmented message was dropped: its continuations are dropped too. */
    private static final int DROPPING = 2;

    private final Connection owner;
    private final Transport transport;
    private final long maxQueuedBytes;
    private final OverflowPolicy policy;
    private final long blockTimeoutNanos;
    /** Client frames carry a mask; the drainer picks the key and masks just before writing. */
    private final MaskKeys maskKeys;
    /**
     * permessage-deflate with context takeover on our side, else null: the drainer compresses
     * the frames marked {@link OutFrame#COMPRESS}, here, in wire order (see {@link OutgoingFrames}).
     */
    private final PerMessageDeflate deflateInOrder;

    private final ConcurrentLinkedQueue<OutFrame> data = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<OutFrame> control = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong queuedControlBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set once our close frame was written or the transport failed: nothing more goes out. */
    private volatile boolean finished;
    /** When the write in progress started (System.nanoTime), 0 while none is: the write-stall timer reads it. */
    private volatile long writingSince;
    /**
     * The fragmented message being written, one of {@link #NO_MESSAGE}, {@link #ADMITTED},
     * {@link #DROPPING}. The fragments of one message come from one writer at a time (the
     * application's contract for {@code writeFrame}), so a volatile suffices.
     */
    private volatile int openMessage;
    private final Runnable drainTask = this::drain;

    // BLOCK policy only (null otherwise, to keep idle connections small): producers waiting for
    // room. The lock is never held across I/O.
    private final ReentrantLock roomLock;
    private final Condition room;
    private volatile int waiters;

    Outbound(Connection owner, Transport transport, Options options, boolean maskFrames) {
        this.owner = owner;
        this.transport = transport;
        this.maxQueuedBytes = options.maxQueuedBytes();
        this.policy = options.overflowPolicy();
        this.blockTimeoutNanos = options.blockTimeout().toNanos();
        this.maskKeys = maskFrames ? new MaskKeys() : null;
        this.deflateInOrder = owner.deflate != null && owner.deflate.sendContextTakeover() ? owner.deflate : null;
        this.roomLock = policy == OverflowPolicy.BLOCK ? new ReentrantLock() : null;
        this.room = roomLock != null ? roomLock.newCondition() : null;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Queues a data frame (a whole message or one fragment) under the overflow policy, decided per message. */
    SendResult offerData(OutFrame frame) {
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
                owner.countDropped();
                return SendResult.DROPPED;
            }
            if (last) {
                openMessage = NO_MESSAGE;
            }
            queuedBytes.addAndGet(size);
            return enqueue(frame);
        }
        if (!reserve(size)) {
            SendResult refused = refuse(size);
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

    /** The queue is full: the policy's answer, or null when room was found after all (BLOCK). */
    private SendResult refuse(int size) {
        switch (policy) {
            case DROP:
                owner.countDropped();
                return SendResult.DROPPED;
            case BLOCK:
                if (awaitRoom(size)) {
                    return null;
                }
                if (finished || owner.closeState().closeQueued()) {
                    return SendResult.CLOSED;
                }
                owner.countDropped();
                return SendResult.TIMED_OUT;
            case CLOSE:
            default:
                owner.countDropped();
                owner.closeSlowConsumer();
                return SendResult.CLOSED;
        }
    }

    private SendResult enqueue(OutFrame frame) {
        data.offer(frame);
        signal();
        return SendResult.QUEUED;
    }

    /** Queues a ping or pong ahead of queued messages. */
    SendResult offerControl(OutFrame frame) {
        if (finished || owner.closeState().closeQueued()) {
            return SendResult.CLOSED;
        }
        int size = frame.size();
        if (queuedControlBytes.addAndGet(size) > MAX_QUEUED_CONTROL_BYTES) {
            queuedControlBytes.addAndGet(-size);
            return SendResult.DROPPED;
        }
        control.offer(frame);
        signal();
        return SendResult.QUEUED;
    }

    /**
     * Queues our close frame. Normally it follows the queued messages; {@code urgent} (the CLOSE
     * overflow policy, a peer that stopped answering pings) discards them and sends it next.
     */
    void offerClose(OutFrame frame, boolean urgent) {
        if (urgent) {
            discardData();
            queuedControlBytes.addAndGet(frame.size());
            control.offer(frame);
        } else {
            queuedBytes.addAndGet(frame.size() + FRAME_OVERHEAD);
            data.offer(frame);
        }
        signal();
    }

    /** Our close frame was written, or the output failed or was shut down: nothing more will be written. */
    boolean isFinished() {
        return finished;
    }

    /** When the write in progress started ({@link System#nanoTime()}), or 0 when the drainer is not inside a write. */
    long writingSince() {
        return writingSince;
    }

    /** The connection is gone: drop everything and release waiting producers. */
    void shutdown() {
        finished = true;
        discardData();
        control.clear();
        wakeWaiters();
    }

    private boolean reserve(int size) {
        while (true) {
            long q = queuedBytes.get();
            if (q > 0 && q + size > maxQueuedBytes) {
                return false;
            }
            if (queuedBytes.compareAndSet(q, q + size)) {
                return true;
            }
        }
    }

    private boolean awaitRoom(int size) {
        long nanos = blockTimeoutNanos;
        roomLock.lock();
        try {
            waiters++;
            while (!reserve(size)) {
                if (finished || owner.closeState().closeQueued() || nanos <= 0) {
                    return false;
                }
                nanos = room.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiters--;
            roomLock.unlock();
        }
    }

    private void wakeWaiters() {
        if (roomLock != null && waiters > 0) {
            roomLock.lock();
            try {
                room.signalAll();
            } finally {
                roomLock.unlock();
            }
        }
    }

    private void signal() {
        if (!draining.get() && draining.compareAndSet(false, true)) {
            Thread.startVirtualThread(drainTask);
        }
    }

    private void drain() {
        // Per burst rather than per connection: an idle connection then holds no batch array.
        ByteBuffer[] batch = new ByteBuffer[MAX_BATCH];
        try {
            while (true) {
                if (finished) {
                    return; // draining stays set: no drainer will start again
                }
                int n = 0;
                long bytes = 0;
                long dataBytes = 0;
                long controlBytes = 0;
                boolean closeInBatch = false;
                boolean autoPing = false;
                OutFrame f;
                // Control frames first, whether or not a fragmented message is open (§5.4).
                while (n < MAX_BATCH && (f = control.poll()) != null) {
                    batch[n++] = f.bytes();
                    bytes += f.size();
                    controlBytes += f.size();
                    autoPing |= f.is(OutFrame.AUTO_PING);
                    if (f.is(OutFrame.CLOSE)) {
                        closeInBatch = true;
                        break;
                    }
                }
                while (!closeInBatch && n < MAX_BATCH && (n == 0 || bytes < MAX_BATCH_BYTES) && (f = data.poll()) != null) {
                    ByteBuffer b = f.bytes();
                    if (f.is(OutFrame.COMPRESS)) {
                        b = deflateInOrder.compressQueued(b);
                    }
                    batch[n++] = b;
                    bytes += b.remaining();
                    dataBytes += f.size() + FRAME_OVERHEAD; // what the writer reserved
                    closeInBatch = f.is(OutFrame.CLOSE);
                    if (!control.isEmpty()) {
                        break; // a pong or the urgent close arrived: it goes in the next batch, first
                    }
                }
                if (n == 0) {
                    // Hand over, then look again: a producer may have queued after our last poll
                    // and seen the flag still set.
                    draining.set(false);
                    boolean work = !data.isEmpty() || !control.isEmpty();
                    if (!work || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                if (maskKeys != null) {
                    for (int i = 0; i < n; i++) {
                        mask(batch[i]);
                    }
                }
                long now = System.nanoTime();
                if (autoPing) {
                    owner.pingWritten(now);
                }
                writingSince = now;
                try {
                    transport.write(n == MAX_BATCH ? batch : Arrays.copyOf(batch, n));
                } finally {
                    writingSince = 0;
                }
                Arrays.fill(batch, 0, n, null); // written: let the frames go
                queuedBytes.addAndGet(-dataBytes);
                queuedControlBytes.addAndGet(-controlBytes);
                wakeWaiters();
                if (closeInBatch) {
                    finished = true;
                    discardData();
                    control.clear();
                    owner.onCloseWritten();
                    return;
                }
            }
        } catch (Throwable e) {
            // Whatever went wrong (the socket, a bug, out of memory), this connection's output is
            // over; the connection fails and the frames it held are let go.
            finished = true;
            discardData();
            control.clear();
            wakeWaiters();
            owner.onWriteFailed(e);
        }
    }

    private void discardData() {
        data.clear();
        queuedBytes.set(0);
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
