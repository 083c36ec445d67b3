package dev.shuttle.websocket.internal.session;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.internal.io.SafeLog;

/**
 * The one thread that fires every connection's timers (close, pong, idle, write stall, the
 * automatic ping), whatever each connection's reader is doing.
 * <p>
 * A binary min-heap of {@link Entry}s by deadline; each entry knows its index, so moving a
 * deadline earlier or later is O(log n). A connection has one entry, for its nearest deadline,
 * and is rescheduled lazily: traffic (a read resetting the idle timer) only writes a field of
 * the connection, and when the entry comes due, {@link Entry#fire} looks at the real deadlines and
 * returns the next one. So an idle connection costs one heap slot and a few fields, no thread and
 * no task object, and the hot path never takes the lock.
 * <p>
 * Entries fire on this thread: they must only flip state, enqueue frames and close transports,
 * never block. A throwing entry is logged and dropped from the heap; the thread goes on.
 */
final class TimerScheduler {
    /** A schedulable thing: one per connection. Its heap fields are guarded by the scheduler's lock. */
    abstract static class Entry {
        private long deadline;
        private int index = -1;

        /**
         * Called on the scheduler thread when the deadline passed.
         *
         * @return the next deadline ({@link System#nanoTime()} based), or {@link Long#MAX_VALUE} for none
         */
        abstract long fire(long now);
    }

    private static final System.Logger LOG = System.getLogger(TimerScheduler.class.getName());
    /** Also the largest wait, so a clock oddity never parks the thread for long. */
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final class Holder {
        static final TimerScheduler INSTANCE = new TimerScheduler("shuttle-timers");
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Entry[] heap = new Entry[64];
    private int size;

    private TimerScheduler(String name) {
        Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    static TimerScheduler shared() {
        return Holder.INSTANCE;
    }

    /** Sets (or moves) the entry's deadline; {@link Long#MAX_VALUE} removes it. */
    void schedule(Entry e, long deadline) {
        lock.lock();
        try {
            if (deadline == Long.MAX_VALUE) {
                if (e.index >= 0) {
                    removeAt(e.index);
                }
                return;
            }
            long before = e.deadline;
            e.deadline = deadline;
            if (e.index < 0) {
                add(e);
            } else if (deadline - before < 0) {
                siftUp(e.index);
            } else {
                siftDown(e.index);
            }
            if (heap[0] == e) {
                changed.signal(); // a new nearest deadline: the thread must wait less
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves the entry's deadline earlier only (a later one is found lazily when it fires). */
    void scheduleNoLaterThan(Entry e, long deadline) {
        lock.lock();
        try {
            if (e.index < 0 || deadline - e.deadline < 0) {
                schedule(e, deadline); // reentrant
            }
        } finally {
            lock.unlock();
        }
    }

    void cancel(Entry e) {
        schedule(e, Long.MAX_VALUE);
    }

    /** Entries waiting (for tests and diagnostics). */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Entry due = null;
            long now;
            lock.lock();
            try {
                now = System.nanoTime();
                if (size == 0) {
                    changed.awaitNanos(MAX_PARK_NANOS);
                    continue;
                }
                Entry first = heap[0];
                long wait = first.deadline - now;
                if (wait > 0) {
                    changed.awaitNanos(Math.min(wait, MAX_PARK_NANOS));
                    continue;
                }
                removeAt(0);
                due = first;
            } catch (InterruptedException e) {
                continue; // a daemon that nobody interrupts on purpose: keep serving
            } finally {
                lock.unlock();
            }
            fire(due, now);
        }
    }

    private void fire(Entry e, long now) {
        try {
            long next = e.fire(now);
            if (next != Long.MAX_VALUE) {
                scheduleNoLaterThan(e, next);
            }
        } catch (Throwable t) {
            // One connection's failure must not stop every other connection's timers.
            SafeLog.log(LOG, System.Logger.Level.ERROR, "a connection timer failed", t);
        }
    }

    // ------------------------------------------------------------------ the heap (lock held)

    private void add(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.index = size;
        size++;
        siftUp(e.index);
    }

    private void removeAt(int i) {
        Entry gone = heap[i];
        gone.index = -1;
        size--;
        if (i != size) {
            Entry last = heap[size];
            heap[i] = last;
            last.index = i;
            heap[size] = null;
            siftDown(i);
            siftUp(last.index);
        } else {
            heap[size] = null;
        }
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2); // after a burst of connections has gone
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (e.deadline - p.deadline >= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline - heap[child].deadline < 0) {
                child = right;
            }
            Entry c = heap[child];
            if (c.deadline - e.deadline >= 0) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
