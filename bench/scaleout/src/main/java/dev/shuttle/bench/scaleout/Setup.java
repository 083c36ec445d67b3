package dev.shuttle.bench.scaleout;

import java.util.Locale;

/**
 * One row of the table: how many instances and what joins them. {@code local} is the baseline,
 * one instance with no broker; the others are {@link #INSTANCES} instances.
 */
enum Setup {
    /** One instance, the hub alone. */
    LOCAL("local", 1),
    /** {@code NatsBridge} over one nats-server (core pub/sub). */
    NATS("nats", Setup.INSTANCES),
    /** {@code RedisBridge} over one redis-server (PUBLISH / SUBSCRIBE). */
    REDIS("redis", Setup.INSTANCES),
    /** No bridge: every hub's history is a {@code RedisHistory}, whose stream carries the messages. */
    REDIS_HISTORY("redis-history", Setup.INSTANCES);

    /** Instances of a bridged setup (the "3 instances"). */
    static final int INSTANCES = 3;

    final String label;
    final int instances;

    Setup(String label, int instances) {
        this.label = label;
        this.instances = instances;
    }

    /**
     * The setup of a {@code --brokers} name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static Setup of(String label) {
        String l = label.trim().toLowerCase(Locale.ROOT);
        for (Setup s : values()) {
            if (s.label.equals(l)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown broker " + label + " (local, nats, redis, redis-history)");
    }

    boolean needsRedis() {
        return this == REDIS || this == REDIS_HISTORY;
    }
}
