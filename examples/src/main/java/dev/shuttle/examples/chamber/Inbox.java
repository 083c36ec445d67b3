package dev.shuttle.examples.chamber;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;

/**
 * What one member receives, in order: one message at a time goes out to its connection, frame
 * by frame as the sender's frames arrive, and the frames of other messages wait meanwhile
 * (a WebSocket message cannot be interleaved with another). When the waiting frames exceed
 * {@code MAX_QUEUE_ITEMS} or {@code MAX_QUEUE_DATA}, the message in flight is cut short: it is
 * ended with an empty final frame and followed by the notice {@code X}, and its later frames are
 * dropped. Frames of a message whose start this member never got (it joined later, or the
 * message was cut) are dropped as well.
 * <p>
 * Memory: at most {@code MAX_QUEUE_DATA} payload bytes in at most {@code MAX_QUEUE_ITEMS + 1}
 * waiting frames, plus the connection's own outbound queue, which is kept under
 * {@code maxOutbound} (plus the one frame that crossed it): a member that stops reading is
 * closed with 1008 rather than buffered without end.
 * <p>
 * Thread-safe: senders' reader threads and the hub's presence events call in concurrently; one
 * lock, never held across I/O (writes only enqueue on the connection; its overflow policy never
 * blocks).
 */
final class Inbox {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CUT = "X".getBytes(StandardCharsets.US_ASCII);

    private record Waiting(Transfer transfer, Frame frame) {
    }

    private final WebSocket connection;
    /** Runs, on a thread of its own, when this inbox closed its member for not reading: it leaves the chamber now, not after the close handshake. */
    private final Runnable onSlow;
    private final int maxItems;
    private final int maxData;
    private final long maxOutbound;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    /** The message going out now, or null; frames wait only while one is (see drain()). */
    private Transfer active;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Map<Transfer, Integer> waitingFrames = new IdentityHashMap<>();
    private long waitingBytes;
    private boolean closed;
    /** Read without the lock when choosing a target for {@code T*}: an idle member has nothing waiting. */
    private volatile boolean idle = true;

    Inbox(WebSocket connection, int maxItems, int maxData, long maxOutbound, Runnable onSlow) {
        this.connection = connection;
        this.onSlow = onSlow;
        this.maxItems = maxItems;
        this.maxData = maxData;
        this.maxOutbound = maxOutbound;
    }

    /** True when no frame waits for the message in flight to end. */
    boolean isIdle() {
        return idle;
    }

    /** A whole text message of the chamber's own ({@code I…}, {@code H…}, {@code B…}). */
    void notice(String text) {
        offer(Transfer.notice(), new Frame(true, 0, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** One frame of a message: the first one carries the opcode, the others are continuations. */
    void offer(Transfer transfer, Frame frame) {
        boolean first = frame.opcode() != Opcode.CONTINUATION;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (active == transfer) {
                send(frame);
                if (frame.fin()) {
                    active = null;
                    drain();
                }
            } else if (active == null) {
                // Nothing waits while nothing is in flight, so this goes out now, unless it
                // continues a message this member never saw the start of.
                if (first) {
                    send(frame);
                    active = frame.fin() ? null : transfer;
                }
            } else if (first || waitingFrames.containsKey(transfer)) {
                waiting.add(new Waiting(transfer, frame));
                waitingFrames.merge(transfer, 1, Integer::sum);
                waitingBytes += frame.payload().length;
                while (active != null && (waiting.size() > maxItems || waitingBytes > maxData)) {
                    cutActive();
                }
            }
        } finally {
            idle = waiting.isEmpty();
            lock.unlock();
        }
    }

    /**
     * The sender of {@code transfer} (its message in progress) is gone: if that message is
     * going out to this member it is cut ({@code X}); if it only waits, it is forgotten, since
     * this member has seen none of it. Whole messages of the same sender still go out.
     */
    void senderGone(Transfer transfer) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (active == transfer) {
                cutActive();
            } else if (waitingFrames.remove(transfer) != null) {
                for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
                    Waiting w = it.next();
                    if (w.transfer == transfer) {
                        waitingBytes -= w.frame.payload().length;
                        it.remove();
                    }
                }
            }
        } finally {
            idle = waiting.isEmpty();
            lock.unlock();
        }
    }

    /** The member left: nothing more goes to it. */
    void discard() {
        lock.lock();
        try {
            closed = true;
            active = null;
            waiting.clear();
            waitingFrames.clear();
            waitingBytes = 0;
        } finally {
            idle = true;
            lock.unlock();
        }
    }

    /** Ends the message in flight early and says so, then lets the next one go. */
    private void cutActive() {
        active = null;
        send(new Frame(true, 0, Opcode.CONTINUATION, EMPTY));
        send(new Frame(true, 0, Opcode.TEXT, CUT));
        drain();
    }

    /** With nothing in flight: sends waiting messages in arrival order until one is still incomplete. */
    private void drain() {
        while (active == null && !waiting.isEmpty() && !closed) {
            // The oldest waiting frame is the first of its message: later frames of a message
            // only wait behind its first, and an active message's frames never wait.
            Waiting next = take(waiting.poll());
            send(next.frame);
            if (next.frame.fin()) {
                continue;
            }
            active = next.transfer;
            if (!waitingFrames.containsKey(active)) {
                continue;
            }
            for (Iterator<Waiting> it = waiting.iterator(); !closed && active != null && it.hasNext(); ) {
                Waiting w = it.next();
                if (w.transfer == active) {
                    it.remove();
                    take(w);
                    send(w.frame);
                    if (w.frame.fin()) {
                        active = null;
                    }
                }
            }
        }
    }

    private Waiting take(Waiting w) {
        waitingBytes -= w.frame.payload().length;
        waitingFrames.computeIfPresent(w.transfer, (t, n) -> n == 1 ? null : n - 1);
        return w;
    }

    /**
     * Queues a frame on the connection, unless it already holds more than {@code maxOutbound}
     * bytes: a member that does not read is closed (1008) instead of growing its queue. The
     * connection's own limit never drops a frame here: continuations of a message it admitted
     * are always queued, and the first frame fits by the check below.
     */
    private void send(Frame frame) {
        if (closed) {
            return;
        }
        if (connection.queuedBytes() > maxOutbound || connection.writeFrame(frame) != SendResult.QUEUED) {
            // Not reading (or closing already): what is queued stays bounded, and the chamber
            // hears of it now; the caller may hold the room's lock (a hub event) or a relay
            // lock, and leaving takes the room's lock then relay locks: hence another thread.
            discard();
            connection.close(CloseCode.POLICY_VIOLATION, "Too slow: stopped reading");
            Thread.startVirtualThread(onSlow);
        }
    }
}
