package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Direct buffers in which a producer that writes its own message ({@link Outbound#tryWriteDirect})
 * lays out the frame (header and payload) for one non-blocking write, so a small message costs
 * no frame object, no queue node and no heap copy: the socket reads straight from here. A buffer
 * is held only for the duration of one non-blocking write, so few exist: about one per thread
 * writing at the same instant. Lock-free slots, no node per use.
 */
final class WriteScratch {
    /** The largest frame laid out here; a larger message takes the queued path. */
    static final int SIZE = 8 * 1024;
    private static final int SLOTS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /** Buffers that may exist at once (in slots or in use); beyond, producers take the queued path. */
    private static final int MAX = 4 * SLOTS;

    private static final AtomicReferenceArray<ByteBuffer> FREE = new AtomicReferenceArray<>(SLOTS);
    private static final AtomicInteger CREATED = new AtomicInteger();

    private WriteScratch() {
    }

    /** A cleared buffer of {@link #SIZE} bytes, or null when too many are in use. */
    static ByteBuffer take() {
        int start = (int) (Thread.currentThread().threadId() % SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            int at = (start + i) % SLOTS;
            if (FREE.getPlain(at) != null) {
                ByteBuffer b = FREE.getAndSet(at, null);
                if (b != null) {
                    return b.clear();
                }
            }
        }
        if (CREATED.incrementAndGet() > MAX) {
            CREATED.decrementAndGet();
            return null;
        }
        return ByteBuffer.allocateDirect(SIZE);
    }

    static void release(ByteBuffer b) {
        int start = (int) (Thread.currentThread().threadId() % SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            int at = (start + i) % SLOTS;
            if (FREE.getPlain(at) == null && FREE.compareAndSet(at, null, b)) {
                return;
            }
        }
        CREATED.decrementAndGet(); // every slot full: left to the collector, which frees its memory
    }
}
