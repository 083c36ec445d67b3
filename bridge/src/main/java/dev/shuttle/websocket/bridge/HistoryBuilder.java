package dev.shuttle.websocket.bridge;

import java.time.Duration;
import java.util.Objects;

/**
 * What the builders of the broker-backed history stores share beyond {@link BridgeBuilder}: how
 * much each room keeps, and how long a request to the broker may take.
 *
 * @param <B> the concrete builder
 */
public abstract class HistoryBuilder<B extends HistoryBuilder<B>> extends BridgeBuilder<B> {
    /** Messages kept per room by default. */
    public static final int DEFAULT_MAX_COUNT = 1000;
    /** How long a message is kept by default. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    /** How long a request to the broker may take by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private int maxCount = DEFAULT_MAX_COUNT;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Duration timeout = DEFAULT_TIMEOUT;

    /** For the concrete builders. */
    protected HistoryBuilder() {
    }

    /**
     * Messages kept per room; default {@value #DEFAULT_MAX_COUNT}.
     *
     * @param n at least 1
     * @return this builder
     */
    public B maxCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxCount must be at least 1: " + n);
        }
        this.maxCount = n;
        return self();
    }

    /**
     * How long a message is kept; default 10 minutes. A room idle for longer has no history
     * left, and its next message begins a new epoch.
     *
     * @param age positive
     * @return this builder
     */
    public B maxAge(Duration age) {
        if (age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive: " + age);
        }
        this.maxAge = age;
        return self();
    }

    /**
     * How long connecting and a request to the broker may take; default 2 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public B timeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        return self();
    }

    /** {@return the messages kept per room} */
    public int maxCountValue() {
        return maxCount;
    }

    /** {@return how long a message is kept} */
    public Duration maxAgeValue() {
        return maxAge;
    }

    /** {@return how long a request may take} */
    public Duration timeoutValue() {
        return timeout;
    }
}
