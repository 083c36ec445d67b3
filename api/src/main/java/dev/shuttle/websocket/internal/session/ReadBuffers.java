package dev.shuttle.websocket.internal.session;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process-wide pool of read buffers. A reader borrows one only when bytes have arrived and
 * returns it as soon as every complete frame in it is parsed, so an idle connection holds none.
 * Direct buffers: the socket reads into them without the JDK's hidden copy, and payloads are
 * unmasked while copied out of them.
 */
final class ReadBuffers {
    /** Large enough for many small frames per read; a bigger payload is read straight into its own array. */
    static final int BUFFER_SIZE = 32 * 1024;
    /** Idle buffers kept for reuse; beyond this they are left to the garbage collector. */
    private static final int MAX_POOLED = Math.max(64, Runtime.getRuntime().availableProcessors() * 64);

    private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED = new AtomicInteger();

    private ReadBuffers() {
    }

    /** A cleared buffer in fill mode. */
    static ByteBuffer acquire() {
        ByteBuffer b = POOL.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        POOLED.decrementAndGet();
        return b;
    }

    static void release(ByteBuffer b) {
        if (POOLED.incrementAndGet() <= MAX_POOLED) {
            b.clear();
            POOL.offer(b);
        } else {
            POOLED.decrementAndGet();
        }
    }
}
