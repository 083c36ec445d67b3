package dev.shuttle.bench.scaleout;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.HdrHistogram.Histogram;

/**
 * What one member's connection received: the delivery latency of the messages sent in the
 * measurement window, the deliveries that arrived in it, and which (publisher, sequence) pairs
 * it saw, so that a message missing or seen twice shows. Fed by the connection's reader (one
 * callback at a time); the lock only orders those writes before the final read.
 */
final class Receiver {
    /** Latencies above this are recorded as this (a minute: nothing in a run waits that long). */
    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ReentrantLock lock = new ReentrantLock();
    private final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    private final BitSet[] seen;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private long inWindow;
    private long total;
    private long duplicates;
    private long malformed;

    Receiver(int publishers) {
        seen = new BitSet[publishers];
        for (int i = 0; i < publishers; i++) {
            seen[i] = new BitSet();
        }
    }

    /** The measurement window, by {@code System.nanoTime}; set before any publisher starts. */
    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    /** One message, on the connection's reader thread. */
    void received(byte[] data) {
        long now = System.nanoTime();
        Payload.Id id = Payload.decode(data);
        lock.lock();
        try {
            total++;
            if (id.publisher() < 0 || id.publisher() >= seen.length || id.seq() > Integer.MAX_VALUE) {
                malformed++;
                return;
            }
            BitSet s = seen[id.publisher()];
            if (s.get((int) id.seq())) {
                duplicates++;
            } else {
                s.set((int) id.seq());
            }
            if (now >= windowStart && now < windowEnd) {
                inWindow++;
            }
            if (id.stamp() >= windowStart && id.stamp() < windowEnd) {
                latency.recordValue(Math.min(Math.max(now - id.stamp(), 0), MAX_LATENCY_NANOS));
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return messages received so far, of any kind} */
    long total() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** Adds this receiver's figures to a run's; {@code self} is its own publisher index, or -1. */
    void addTo(Tally t, long[] sent, int self) {
        lock.lock();
        try {
            t.latency.add(latency);
            t.inWindow += inWindow;
            t.duplicates += duplicates;
            t.malformed += malformed;
            for (int p = 0; p < sent.length; p++) {
                if (p != self) {
                    t.expected += sent[p];
                    t.lost += sent[p] - seen[p].cardinality();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The sum over every receiver of one run. */
    static final class Tally {
        final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        long inWindow;
        long expected;
        long lost;
        long duplicates;
        long malformed;
    }
}
