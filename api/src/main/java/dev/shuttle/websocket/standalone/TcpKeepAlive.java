package dev.shuttle.websocket.standalone;

import java.time.Duration;

/**
 * TCP keepalive (SO_KEEPALIVE) for accepted connections, see {@link ListenerOptions.Builder#tcpKeepAlive}:
 * the kernel probes a connection idle this long, every {@code interval}, and drops it after
 * {@code count} unanswered probes. A {@code null} duration or a count of 0 keeps the system's
 * setting (on Linux {@code net.ipv4.tcp_keepalive_time} and friends: 2 hours, 75 s, 9).
 * <p>
 * The JDK sets the idle time and the interval in whole seconds
 * ({@link jdk.net.ExtendedSocketOptions#TCP_KEEPIDLE}), so they are rounded up to the next second.
 * WebSocket's own keepalive ({@link dev.shuttle.websocket.Options#pingInterval()}) also reaps
 * vanished peers, and works through proxies; this one costs no bytes in the application.
 *
 * @param idle     idle time before the first probe, or {@code null}
 * @param count    unanswered probes before the connection is dropped, or 0
 * @param interval time between probes, or {@code null}
 */
public record TcpKeepAlive(Duration idle, int count, Duration interval) {
    /** Keepalive on, with the system's timings. */
    public static final TcpKeepAlive SYSTEM_DEFAULTS = new TcpKeepAlive(null, 0, null);

    /** Checks that durations are positive and the count is not negative. */
    public TcpKeepAlive {
        if (idle != null && (idle.isNegative() || idle.isZero())) {
            throw new IllegalArgumentException("keepalive idle time must be positive: " + idle);
        }
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("keepalive interval must be positive: " + interval);
        }
        if (count < 0) {
            throw new IllegalArgumentException("keepalive probe count must not be negative: " + count);
        }
    }

    /** {@code d} in whole seconds, rounded up, as the socket option takes it. */
    static int seconds(Duration d) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, s);
    }
}
