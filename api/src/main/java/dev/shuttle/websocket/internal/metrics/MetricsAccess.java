package dev.shuttle.websocket.internal.metrics;

import java.util.Objects;
import java.util.function.Function;

import dev.shuttle.websocket.metrics.ShuttleMetrics;

/**
 * How the engine reaches the counters of a {@link ShuttleMetrics} without a public method that
 * would let applications write them: {@code ShuttleMetrics} installs the getter when its class
 * initialises, which happens before any instance can be handed to the engine.
 */
public final class MetricsAccess {
    private static volatile Function<ShuttleMetrics, MetricsCounters> getter;

    private MetricsAccess() {
    }

    /** Called once, by {@code ShuttleMetrics}' static initialiser. */
    public static void install(Function<ShuttleMetrics, MetricsCounters> counters) {
        if (getter != null) {
            throw new IllegalStateException("already installed");
        }
        getter = Objects.requireNonNull(counters);
    }

    /** {@return the counters of {@code metrics}, or null for null} */
    public static MetricsCounters counters(ShuttleMetrics metrics) {
        return metrics == null ? null : getter.apply(metrics);
    }
}
