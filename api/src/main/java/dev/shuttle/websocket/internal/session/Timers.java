package dev.shuttle.websocket.internal.session;

import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/**
 * A connection's timers: the close timeout, the idle timeout, the automatic ping and its pong
 * timeout, the write-stall timeout, and the round trip measured from the pong. They fire on the
 * shared {@link TimerScheduler}, whatever the reader is doing (blocked in a callback, flooded
 * with frames, waiting for bytes), so a close times out on time even under a busy reader.
 * <p>
 * Threads: {@link #fire} runs on the scheduler thread; {@link #onRead} and {@link #onPong} on
 * the reader; {@link #pingWritten} on the drainer; {@link #onCloseQueued} on whoever closes.
 * Fields shared between them are volatile; the rest belong to the scheduler thread. The hot
 * path ({@link #onRead}) is one volatile store: the scheduler finds a later idle deadline lazily.
 */
final class Timers extends TimerScheduler.Entry {
    private final Connection c;
    private final TimerScheduler scheduler;

    private volatile long lastReadAt;
    /** The time our outstanding automatic ping carries (its payload), 0 when none is outstanding. */
    private volatile long pingCreatedAt;
    /** When the outstanding ping was handed to the transport, 0 before: the pong timeout starts there. */
    private volatile long pingWrittenAt;
    // Scheduler thread only.
    private long nextPingAt;

    Timers(Connection c) {
        this.c = c;
        this.scheduler = TimerScheduler.shared();
    }

    // The settings are read from the connection's Options when needed rather than copied into
    // every connection: the timers of an idle connection are a few fields.
    private long idleTimeout() {
        return nanos(c.options.idleTimeout());
    }

    private long pingInterval() {
        return nanos(c.options.pingInterval());
    }

    private long pongTimeout() {
        return nanos(c.options.pongTimeout());
    }

    private long closeTimeout() {
        return nanos(c.options.closeTimeout());
    }

    private long writeStallTimeout() {
        return nanos(c.options.writeStallTimeout());
    }

    /** A reader idle this long at a frame boundary gives its thread up ({@link Reader#requestRetire}); 0 never. */
    private long retireAfter() {
        return c.transportHandsOverReads() ? READER_RETIRE_NANOS : 0;
    }

    /**
     * How long a reader waits for bytes on its own thread before handing the wait to the transport
     * (system property {@code shuttle.reader.retireMillis}, default 1000). Shorter saves memory on
     * connections that talk now and then; longer saves a thread start when they talk again.
     */
    static final long READER_RETIRE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
            Math.max(1, Long.getLong("shuttle.reader.retireMillis", 1000)));

    /** The connection is open: arms the first deadline. */
    void start(long now) {
        lastReadAt = now;
        nextPingAt = now + pingInterval(); // published to the scheduler thread by the lock in schedule()
        long first = Long.MAX_VALUE;
        if (idleTimeout() > 0) {
            first = now + idleTimeout();
        }
        if (pingInterval() > 0) {
            first = Math.min(first, nextPingAt);
        }
        if (writeStallTimeout() > 0) {
            first = Math.min(first, now + writeStallTimeout());
        }
        if (retireAfter() > 0) {
            first = Math.min(first, now + retireAfter());
        }
        if (first != Long.MAX_VALUE) {
            scheduler.schedule(this, first);
        }
    }

    /** The connection has ended: its entry leaves the scheduler. */
    void stop() {
        scheduler.cancel(this);
    }

    /** A retired reader got a thread again: its next retirement is due after the next idle spell. */
    void readerResumed(long now) {
        if (retireAfter() > 0) {
            scheduler.scheduleNoLaterThan(this, now + retireAfter());
        }
    }

    /** Bytes arrived: the connection is not idle. */
    void onRead(long now) {
        lastReadAt = now;
    }

    /** Our close frame was queued at {@code at}: the peer has {@code closeTimeout()} to complete the handshake. */
    void onCloseQueued(long at) {
        if (closeTimeout() > 0) {
            scheduler.scheduleNoLaterThan(this, at + closeTimeout());
        }
    }

    /** The drainer hands our automatic ping to the transport now: the pong timeout starts. */
    void pingWritten(long now) {
        if (pingCreatedAt != 0 && pingWrittenAt == 0) {
            pingWrittenAt = now;
            if (pongTimeout() > 0) {
                scheduler.scheduleNoLaterThan(this, now + pongTimeout());
            }
        }
    }

    @Override
    long fire(long now) {
        if (c.closeState().isTerminated()) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        long closeQueuedAt = c.closeQueuedAt;
        if (closeQueuedAt != 0) {
            if (closeTimeout() > 0) {
                long deadline = closeQueuedAt + closeTimeout();
                if (now - deadline >= 0) {
                    c.closeTimedOut();
                    return Long.MAX_VALUE;
                }
                next = deadline;
            }
        } else {
            if (idleTimeout() > 0) {
                long deadline = lastReadAt + idleTimeout();
                if (now - deadline >= 0) {
                    c.startClose(CloseCode.GOING_AWAY, "idle timeout", null, false);
                    return now; // look again at once, as a closing connection
                }
                next = deadline;
            }
            if (pingInterval() > 0) {
                long written = pingWrittenAt;
                if (written != 0 && pongTimeout() > 0 && now - (written + pongTimeout()) >= 0) {
                    // An orphan: it would not read a close frame either, so nothing queued is kept for it.
                    c.startClose(CloseCode.GOING_AWAY, "no pong", new WebSocketException(CloseCode.GOING_AWAY,
                            "no pong within " + Duration.ofNanos(pongTimeout())), true);
                    return now;
                }
                if (now - nextPingAt >= 0) {
                    sendPing(now);
                    nextPingAt = now + pingInterval();
                }
                next = Math.min(next, nextPingAt);
                if (written != 0 && pongTimeout() > 0) {
                    next = Math.min(next, written + pongTimeout());
                }
            }
        }
        if (retireAfter() > 0 && !c.reader().isRetired()) {
            Reader r = c.reader();
            long last = lastReadAt;
            if (r.isWaiting() && now - (last + retireAfter()) >= 0) {
                r.requestRetire();
                next = Math.min(next, now + retireAfter()); // should bytes come first, look again later
            } else {
                next = Math.min(next, (r.isWaiting() ? last : now) + retireAfter());
            }
        }
        if (writeStallTimeout() > 0) {
            long since = c.writingSince();
            if (since != 0 && now - (since + writeStallTimeout()) >= 0) {
                c.writeStalled(Duration.ofNanos(writeStallTimeout()));
                return Long.MAX_VALUE;
            }
            // A write that starts after this look is seen at the next look at the latest: a stall
            // is detected between one and two timeouts after the peer stopped taking bytes.
            next = Math.min(next, (since != 0 ? since : now) + writeStallTimeout());
        }
        return next;
    }

    /** The automatic ping carries its creation time, so the pong that echoes it gives the round trip. */
    private void sendPing(long now) {
        if (pingCreatedAt != 0) {
            return; // one outstanding at a time: its pong timeout is what matters
        }
        byte[] payload = new byte[8];
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (now >>> (56 - 8 * i));
        }
        pingCreatedAt = now;
        if (!c.sendAutoPing(payload).isQueued()) {
            pingCreatedAt = 0;
        }
    }

    /** A pong arrived (reader thread): if it echoes our outstanding ping, the peer is alive and the RTT known. */
    void onPong(byte[] payload) {
        long created = pingCreatedAt;
        if (created == 0 || payload.length != 8) {
            return;
        }
        long sent = 0;
        for (byte b : payload) {
            sent = sent << 8 | (b & 0xFF);
        }
        if (sent == created) {
            c.rttMeasured(System.nanoTime() - sent);
            pingWrittenAt = 0;
            pingCreatedAt = 0;
        }
    }

    private static long nanos(Duration d) {
        return d.isZero() ? 0 : d.toNanos();
    }
}
