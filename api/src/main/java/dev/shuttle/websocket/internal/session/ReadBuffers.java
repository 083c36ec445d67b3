package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A process-wide pool of read buffers. A reader borrows one only when bytes have arrived and
 * returns it as soon as every complete frame in it is parsed, so an idle connection holds none.
 * Direct buffers: the socket reads into them without the JDK's hidden copy, and payloads are
 * unmasked while copied out of them.
 * <p>
 * Direct memory is outside the heap limit, so its total is bounded: at most
 * {@link #MAX_DIRECT} buffers exist at once (system property {@code shuttle.readBuffers.maxDirect},
 * default 1024, i.e. 32 MiB); beyond that, readers get heap buffers, which the garbage collector
 * owns and the heap limit bounds, and which are not pooled.
 */
final class ReadBuffers {
    /** Large enough for many small frames per read; a bigger payload is read straight into its own array. */
    static final int BUFFER_SIZE = 32 * 1024;
    /** Idle buffers kept for reuse; beyond this they are left to the garbage collector. */
    private static final int MAX_POOLED = Math.max(256, Runtime.getRuntime().availableProcessors() * 64);

    /** Direct buffers that may exist at once, pooled or in use. */
    static final int MAX_DIRECT = Integer.getInteger("shuttle.readBuffers.maxDirect", 1024);

    /** Idle buffers in lock-free slots: borrowing and returning allocate nothing (no queue node). */
    private static final AtomicReferenceArray<ByteBuffer> POOL = new AtomicReferenceArray<>(MAX_POOLED);
    private static final AtomicInteger POOLED = new AtomicInteger();
    private static final AtomicInteger DIRECT = new AtomicInteger();

    private ReadBuffers() {
    }

    /** A cleared buffer in fill mode. */
    static ByteBuffer acquire() {
        if (POOLED.get() > 0) {
            int start = slot();
            for (int i = 0; i < MAX_POOLED; i++) {
                int at = (start + i) % MAX_POOLED;
                if (POOL.getPlain(at) != null) {
                    ByteBuffer b = POOL.getAndSet(at, null);
                    if (b != null) {
                        POOLED.decrementAndGet();
                        return b;
                    }
                }
            }
        }
        if (DIRECT.incrementAndGet() <= MAX_DIRECT) {
            return ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        DIRECT.decrementAndGet();
        return ByteBuffer.allocate(BUFFER_SIZE);
    }

    static void release(ByteBuffer b) {
        if (!b.isDirect()) {
            return; // an overflow heap buffer: the collector takes it
        }
        b.clear();
        int start = slot();
        for (int i = 0; i < MAX_POOLED; i++) {
            int at = (start + i) % MAX_POOLED;
            if (POOL.getPlain(at) == null && POOL.compareAndSet(at, null, b)) {
                POOLED.incrementAndGet();
                return;
            }
        }
        DIRECT.decrementAndGet(); // the pool is full: left to the collector, which frees its native memory
    }

    /** Where a thread starts looking: threads that come back often find their own buffer again. */
    private static int slot() {
        return (int) (Thread.currentThread().threadId() % MAX_POOLED);
    }

    /** Direct buffers in existence (pooled or borrowed); for tests and diagnostics. */
    static int directCount() {
        return DIRECT.get();
    }

    /** Direct buffers borrowed right now: what readers hold. */
    static int borrowed() {
        return DIRECT.get() - POOLED.get();
    }
}
