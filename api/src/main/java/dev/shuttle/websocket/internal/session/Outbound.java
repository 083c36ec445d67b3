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
import dev.shuttle.websocket.internal.deflate.DeflateCodec;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;
import dev.shuttle.websocket.spi.Transport;

/**
 * The outbound side of one connection: many producers, one writer at a time.
 * <p>
 * Producers only offer encoded frames to lock-free queues and, if nobody is draining, start a
 * drainer (a virtual thread); the flag {@link #draining} makes sure exactly one runs. The drainer
 * takes everything queued and writes it with one gathering write per batch. Pings and pongs go to
 * their own lane and overtake queued messages, but only between messages: while a fragmented
 * message is half written, the control lane waits. Our close frame travels in the data lane
 * (after what the user queued before it) unless the user's policy says to drop a slow consumer, and nothing is written
 * after it.
 * <p>
 * Memory is bounded: data frames count against {@link Options#maxQueuedBytes()}, and the
 * {@link OverflowPolicy} decides when they would not fit. A frame larger than the whole limit is
 * still accepted into an empty queue, otherwise it could never be sent.
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
    /** Bytes per gathering write, so one batch does not hold the socket for long. */
    private static final long MAX_BATCH_BYTES = 1 << 20;

    private final Connection owner;
    private final Transport transport;
    private final long maxQueuedBytes;
    private final OverflowPolicy policy;
    private final long blockTimeoutNanos;
    /** Client frames carry a mask; the drainer picks the key and masks just before writing. */
    private final MaskKeys maskKeys;
    /**
     * permessage-deflate with context takeover on our side, else null: the drainer compresses
     * the frames writers marked with RSV1, here, in wire order (see {@link OutgoingFrames}).
     */
    private final PerMessageDeflate deflateInOrder;

    private final ConcurrentLinkedQueue<ByteBuffer> data = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuffer> control = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong queuedControlBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set once our close frame was written or the transport failed: nothing more goes out. */
    private volatile boolean finished;
    private final Runnable drainTask = this::drain;

    // BLOCK policy only (null otherwise, to keep idle connections small): producers waiting for
    // room. The lock is never held across I/O.
    private final ReentrantLock roomLock;
    private final Condition room;
    private volatile int waiters;

    // Drainer-owned (one drainer at a time; the draining flag's CAS orders the hand-over).
    private boolean midMessage;

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

    /** Queues a data frame (or fragment) under the overflow policy. */
    SendResult offerData(ByteBuffer frame) {
        if (finished || owner.closeState().closeQueued()) {
            return SendResult.CLOSED;
        }
        int size = frame.remaining();
        if (!reserve(size)) {
            switch (policy) {
                case DROP:
                    owner.countDropped();
                    return SendResult.DROPPED;
                case BLOCK:
                    if (!awaitRoom(size)) {
                        if (finished || owner.closeState().closeQueued()) {
                            return SendResult.CLOSED;
                        }
                        owner.countDropped();
                        return SendResult.TIMED_OUT;
                    }
                    break;
                case CLOSE:
                default:
                    owner.countDropped();
                    owner.closeSlowConsumer();
                    return SendResult.CLOSED;
            }
        }
        data.offer(frame);
        signal();
        return SendResult.QUEUED;
    }

    /** Queues a ping or pong ahead of queued messages. */
    SendResult offerControl(ByteBuffer frame) {
        if (finished || owner.closeState().closeQueued()) {
            return SendResult.CLOSED;
        }
        int size = frame.remaining();
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
    void offerClose(ByteBuffer frame, boolean urgent) {
        if (urgent) {
            discardData();
            queuedControlBytes.addAndGet(frame.remaining());
            control.offer(frame);
        } else {
            queuedBytes.addAndGet(frame.remaining());
            data.offer(frame);
        }
        signal();
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
                ByteBuffer b;
                if (!midMessage) {
                    while (n < MAX_BATCH && (b = control.poll()) != null) {
                        batch[n++] = b;
                        bytes += b.remaining();
                        controlBytes += b.remaining();
                        if (opcode(b) == 0x8) {
                            closeInBatch = true;
                            break;
                        }
                    }
                }
                while (!closeInBatch && n < MAX_BATCH && bytes < MAX_BATCH_BYTES && (b = data.peek()) != null) {
                    // The control lane may hold the urgent close: it goes before further data.
                    if (!midMessage && !control.isEmpty() && n > 0) {
                        break;
                    }
                    data.poll();
                    int size = b.remaining(); // what the writer reserved in queuedBytes
                    if (deflateInOrder != null && (b.get(b.position()) & DeflateCodec.RSV1_BIT) != 0) {
                        b = deflateInOrder.compressQueued(b);
                    }
                    batch[n++] = b;
                    bytes += b.remaining();
                    dataBytes += size;
                    int op = opcode(b);
                    if (op == 0x8) {
                        closeInBatch = true;
                    } else {
                        midMessage = (b.get(b.position()) & 0x80) == 0;
                    }
                }
                if (n == 0) {
                    // Hand over, then look again: a producer may have queued after our last poll
                    // and seen the flag still set. Pings wait while a fragmented message is open.
                    draining.set(false);
                    boolean work = !data.isEmpty() || (!midMessage && !control.isEmpty());
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
                transport.write(n == MAX_BATCH ? batch : Arrays.copyOf(batch, n));
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
        } catch (IOException | RuntimeException e) {
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

    private static int opcode(ByteBuffer frame) {
        return frame.get(frame.position()) & 0x0F;
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
