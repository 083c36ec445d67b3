package dev.shuttle.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** What the main thread tells the loops (the phase) and what they tell it (connections opened or failed). */
final class Control {
    static final int CONNECT = 0;
    static final int WARMUP = 1;
    static final int MEASURE = 2;
    static final int DONE = 3;

    volatile int phase = CONNECT;
    /** Connections with an index below this may connect (the idle scenario opens them in steps). */
    volatile int connectLimit = Integer.MAX_VALUE;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** Connections the server closed or reset after they were open. */
    final AtomicInteger lost = new AtomicInteger();
    final AtomicReference<String> firstError = new AtomicReference<>();

    void error(String message) {
        firstError.compareAndSet(null, message);
    }
}
