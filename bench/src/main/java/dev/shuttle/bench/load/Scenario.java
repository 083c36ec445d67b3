package dev.shuttle.bench.load;

import java.nio.ByteBuffer;

import org.HdrHistogram.Histogram;

/**
 * What a loop's connections send and how their received messages count. A scenario instance
 * belongs to one {@link IoLoop} thread (its counters and histogram are plain fields, read by the
 * loop itself when the measurement phase starts and ends).
 */
abstract class Scenario {
    /** Messages and payload bytes received that count for this scenario (echoes, deliveries). */
    long messages;
    long bytes;
    /** Latencies in nanoseconds, when the scenario measures them. */
    final Histogram latency = new Histogram(3);

    /** Whether the loop must offer every connection a chance to send on each turn (time-driven sending). */
    boolean polls() {
        return false;
    }

    /** Whether received payloads carry timestamps to decode. */
    boolean wantStamp() {
        return false;
    }

    /** All connections of the run are open: sending may begin. */
    void start(Conn c, long now) {
    }

    /** The next bytes to write on {@code c} (read mode), or null for nothing now. */
    abstract ByteBuffer next(Conn c, long now);

    /** A whole data frame arrived on {@code c}. */
    abstract void received(Conn c, int opcode, long length, long stamp, long now);

    /** Forget what was counted so far (end of the warm-up). */
    final void reset() {
        messages = 0;
        bytes = 0;
        latency.reset();
    }
}
