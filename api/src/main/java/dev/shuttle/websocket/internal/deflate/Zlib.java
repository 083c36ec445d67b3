package dev.shuttle.websocket.internal.deflate;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where every {@link Deflater} and {@link Inflater} of permessage-deflate comes from and goes to.
 * They hold native zlib memory (a compressor about 260 KiB at level 6 with a 15-bit window, a
 * decompressor about 40 KiB) that the garbage collector does not see, so each one is
 * {@code end()}ed explicitly, never left to the cleaner.
 * <p>
 * Without context takeover (RFC 7692 §7.1.1) a message needs a (de)compressor only while it is
 * being processed: connections borrow one from these shared pools per message and give it back
 * reset. Each pool keeps at most {@link #MAX_IDLE} idle instances (the rest are ended), so its
 * memory is bounded whatever the number of connections; a burst beyond that creates and ends
 * extra ones. The pools are lock-free queues; borrowing never blocks.
 * <p>
 * The live counters (created minus ended) are the test hook that shows nothing leaks.
 */
public final class Zlib {
    /** Idle instances kept per pool: enough for every core to be busy on a few messages at once. */
    public static final int MAX_IDLE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final Pool<Inflater> INFLATERS = new Pool<>();
    /** One pool per level: a level is fixed for a deflater's life here (setLevel would only apply later). */
    @SuppressWarnings("unchecked")
    private static final Pool<Deflater>[] DEFLATERS = new Pool[10];
    private static final AtomicLong LIVE_DEFLATERS = new AtomicLong();
    private static final AtomicLong LIVE_INFLATERS = new AtomicLong();

    static {
        for (int i = 0; i < DEFLATERS.length; i++) {
            DEFLATERS[i] = new Pool<>();
        }
    }

    private Zlib() {
    }

    /** A raw-deflate compressor (no zlib header, RFC 7692 §7.2.1), window 15 bits, owned by the caller until {@link #end}. */
    public static Deflater newDeflater(int level) {
        LIVE_DEFLATERS.incrementAndGet();
        return new Deflater(level, true);
    }

    /** A raw-inflate decompressor; it reads any window of 8..15 bits (RFC 7692 §7.1.2). */
    public static Inflater newInflater() {
        LIVE_INFLATERS.incrementAndGet();
        return new Inflater(true);
    }

    public static void end(Deflater d) {
        d.end();
        LIVE_DEFLATERS.decrementAndGet();
    }

    public static void end(Inflater i) {
        i.end();
        LIVE_INFLATERS.decrementAndGet();
    }

    /** A reset deflater of that level from the pool, or a new one. */
    public static Deflater borrowDeflater(int level) {
        Deflater d = DEFLATERS[level].poll();
        return d != null ? d : newDeflater(level);
    }

    /** Gives a borrowed deflater back: reset for the next message, or ended when the pool is full. */
    public static void release(int level, Deflater d) {
        d.reset();
        if (!DEFLATERS[level].offer(d)) {
            end(d);
        }
    }

    public static Inflater borrowInflater() {
        Inflater i = INFLATERS.poll();
        return i != null ? i : newInflater();
    }

    public static void release(Inflater i) {
        i.reset();
        if (!INFLATERS.offer(i)) {
            end(i);
        }
    }

    /** Deflaters not yet ended, pooled or in use (test hook). */
    public static long liveDeflaters() {
        return LIVE_DEFLATERS.get();
    }

    /** Inflaters not yet ended, pooled or in use (test hook). */
    public static long liveInflaters() {
        return LIVE_INFLATERS.get();
    }

    /** Idle deflaters in all pools (test hook). */
    public static int pooledDeflaters() {
        int n = 0;
        for (Pool<Deflater> p : DEFLATERS) {
            n += p.size();
        }
        return n;
    }

    /** Idle inflaters in the pool (test hook). */
    public static int pooledInflaters() {
        return INFLATERS.size();
    }

    /** A bounded lock-free stack-ish pool; the size counter is reserved before the offer so it never exceeds MAX_IDLE. */
    private static final class Pool<T> {
        private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();

        T poll() {
            T t = idle.poll();
            if (t != null) {
                size.decrementAndGet();
            }
            return t;
        }

        boolean offer(T t) {
            if (size.incrementAndGet() > MAX_IDLE) {
                size.decrementAndGet();
                return false;
            }
            idle.offer(t);
            return true;
        }

        int size() {
            return size.get();
        }
    }
}
