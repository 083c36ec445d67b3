package dev.shuttle.websocket.bridge;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, initial * 2^n)}, so instances that lost the same broker do not all come back
 * in the same millisecond, and none waits longer than {@code max}.
 *
 * @param initial the first delay's ceiling
 * @param max the largest delay
 */
public record Backoff(Duration initial, Duration max) {
    /** 100 ms doubling up to 5 s. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    /**
     * Checks the bounds.
     *
     * @param initial the first delay's ceiling, positive
     * @param max the largest delay, at least {@code initial}
     */
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
    }

    /**
     * The delay before a retry.
     *
     * @param attempt how many attempts failed in a row before this one (0 for the first retry)
     * @return the delay, between half of its ceiling and the ceiling
     */
    public Duration delay(int attempt) {
        long ceiling = ceilingMillis(attempt);
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    /**
     * The ceiling of a delay, without the jitter.
     *
     * @param attempt the attempt as in {@link #delay}
     * @return {@code min(max, initial * 2^attempt)} in milliseconds
     */
    public long ceilingMillis(int attempt) {
        long initialMs = Math.max(1, initial.toMillis());
        long maxMs = max.toMillis();
        int shift = Math.min(Math.max(attempt, 0), 30);
        long c = initialMs << shift;
        return c <= 0 || c > maxMs ? maxMs : c;
    }
}
