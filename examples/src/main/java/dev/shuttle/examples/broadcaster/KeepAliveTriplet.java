package dev.shuttle.examples.broadcaster;

import java.time.Duration;

import dev.shuttle.websocket.standalone.TcpKeepAlive;

/**
 * {@code --tcp-keepalive time_ms:count:interval_ms}, as wsbroad (tokio-listener) reads it: up to
 * three colon-separated numbers, each optional; an empty value turns keepalive on with the
 * system's timings.
 */
final class KeepAliveTriplet {
    private static final long MAX_U32 = 0xFFFF_FFFFL;

    private KeepAliveTriplet() {
    }

    static TcpKeepAlive parse(String value) throws BroadcasterCommand.UsageException {
        String[] parts = value.split(":", -1);
        if (parts.length > 3) {
            throw new BroadcasterCommand.UsageException("bad --tcp-keepalive '" + value + "': at most time_ms:count:interval_ms");
        }
        Long time = part(parts, 0, "time_ms", value);
        Long count = part(parts, 1, "count", value);
        Long interval = part(parts, 2, "interval_ms", value);
        if (count != null && count > Integer.MAX_VALUE) {
            throw new BroadcasterCommand.UsageException("bad --tcp-keepalive '" + value + "': count too large");
        }
        try {
            return new TcpKeepAlive(time == null ? null : Duration.ofMillis(time),
                    count == null ? 0 : count.intValue(),
                    interval == null ? null : Duration.ofMillis(interval));
        } catch (IllegalArgumentException e) {
            throw new BroadcasterCommand.UsageException("bad --tcp-keepalive '" + value + "': " + e.getMessage());
        }
    }

    private static Long part(String[] parts, int i, String name, String value) throws BroadcasterCommand.UsageException {
        String p = i < parts.length ? parts[i].trim() : "";
        if (p.isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(p);
            if (n >= 0 && n <= MAX_U32) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new BroadcasterCommand.UsageException("bad --tcp-keepalive '" + value + "': " + name + " is not a number (0-" + MAX_U32 + ")");
    }
}
