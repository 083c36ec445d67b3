package dev.shuttle.websocket.internal.session;

import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/**
 * A connection's timers: the close timeout, the idle timeout, the automatic ping and its pong
 * timeout, and the round trip measured from the pong. They run on the reader between reads, so
 * no scheduler thread is needed; the reader waits for data at most until the next deadline, and
 * {@link Reader#wake()} brings it here early when a close is queued from another thread.
 * <p>
 * Owned by the reader thread. All times are {@link System#nanoTime()} values.
 */
final class Timers {
    private final Connection c;
    private final long idleTimeout;
    private final long pingInterval;
    private final long pongTimeout;
    private final long closeTimeout;

    private long lastReadAt;
    private long nextPingAt;
    /** When the oldest unanswered automatic ping went out, 0 when none is outstanding. */
    private long pingSentAt;
    private long nextDeadline = Long.MAX_VALUE;

    Timers(Connection c) {
        this.c = c;
        this.idleTimeout = nanos(c.options.idleTimeout());
        this.pingInterval = nanos(c.options.pingInterval());
        this.pongTimeout = nanos(c.options.pongTimeout());
        this.closeTimeout = nanos(c.options.closeTimeout());
    }

    void start(long now) {
        lastReadAt = now;
        nextPingAt = now + pingInterval;
    }

    /** Bytes arrived: the connection is not idle. Fires the timers if one is due (traffic never waits, so it would not otherwise). */
    void onRead(long now) {
        lastReadAt = now;
        if (now - nextDeadline >= 0) {
            run();
        }
    }

    /** Fires due timers and returns the nanoseconds until the next one (0 = none). */
    long run() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        long closeQueuedAt = c.closeQueuedAt;
        if (closeQueuedAt != 0) {
            if (closeTimeout > 0) {
                long deadline = closeQueuedAt + closeTimeout;
                if (now - deadline >= 0) {
                    c.closeTimedOut();
                } else {
                    next = deadline;
                }
            }
        } else {
            if (idleTimeout > 0) {
                long deadline = lastReadAt + idleTimeout;
                if (now - deadline >= 0) {
                    c.startClose(CloseCode.GOING_AWAY, "idle timeout", null, false);
                    return run();
                }
                next = deadline;
            }
            if (pingInterval > 0) {
                if (pingSentAt != 0 && pongTimeout > 0 && now - (pingSentAt + pongTimeout) >= 0) {
                    // An orphan: it would not read a close frame either, so nothing queued is kept for it.
                    c.startClose(CloseCode.GOING_AWAY, "no pong", new WebSocketException(CloseCode.GOING_AWAY,
                            "no pong within " + Duration.ofNanos(pongTimeout)), true);
                    return run();
                }
                if (now - nextPingAt >= 0) {
                    sendPing(now);
                    nextPingAt = now + pingInterval;
                }
                next = Math.min(next, nextPingAt);
                if (pingSentAt != 0 && pongTimeout > 0) {
                    next = Math.min(next, pingSentAt + pongTimeout);
                }
            }
        }
        nextDeadline = next;
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next - now);
    }

    /** The automatic ping carries its send time, so the pong that echoes it gives the round trip. */
    private void sendPing(long now) {
        byte[] payload = new byte[8];
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (now >>> (56 - 8 * i));
        }
        if (c.ping(payload).isQueued() && pingSentAt == 0) {
            pingSentAt = now;
        }
    }

    /** A pong arrived: if it echoes one of our automatic pings, the peer is alive and the RTT known. */
    void onPong(byte[] payload) {
        if (pingSentAt == 0 || payload.length != 8) {
            return;
        }
        long sent = 0;
        for (byte b : payload) {
            sent = sent << 8 | (b & 0xFF);
        }
        long now = System.nanoTime();
        if (now - sent >= 0 && sent - pingSentAt >= 0) {
            c.rtt = Duration.ofNanos(now - sent);
            pingSentAt = 0;
        }
    }

    private static long nanos(Duration d) {
        return d.isZero() ? 0 : d.toNanos();
    }
}
