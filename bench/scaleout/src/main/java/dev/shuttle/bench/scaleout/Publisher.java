package dev.shuttle.bench.scaleout;

import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;

/**
 * An open-loop publisher: one message every {@code interval} from {@code start} until
 * {@code stop}, each stamped with the time it was due, not the time it went out. A publisher that
 * falls behind sends the late ones at once, and their delay counts in the latency (no
 * coordinated omission).
 */
final class Publisher implements Runnable {
    private final WebSocket connection;
    private final int index;
    private final long start;
    private final long interval;
    private final long stop;
    private final int size;
    private volatile long sent;
    private volatile long refused;

    /**
     * @param connection the member's connection
     * @param index the member's publisher index (in the payload)
     * @param start when the first message is due, {@code System.nanoTime}
     * @param interval nanoseconds between two messages
     * @param stop no message is due at or after this
     * @param size payload bytes
     */
    Publisher(WebSocket connection, int index, long start, long interval, long stop, int size) {
        this.connection = connection;
        this.index = index;
        this.start = start;
        this.interval = interval;
        this.stop = stop;
        this.size = size;
    }

    @Override
    public void run() {
        long seq = 0;
        long notQueued = 0;
        for (long due = start; due < stop; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (connection.writeText(Payload.encode(due, index, seq, size)) != SendResult.QUEUED) {
                notQueued++;
            }
            seq++;
        }
        refused = notQueued;
        sent = seq;
    }

    /** {@return messages sent (each also when the client refused it; see {@link #refused})}; read after join */
    long sent() {
        return sent;
    }

    /** {@return messages the client's own queue did not take}; read after join */
    long refused() {
        return refused;
    }
}
