package dev.shuttle.websocket.micrometer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the figures of a {@link ShuttleMetrics} to a Micrometer {@link MeterRegistry}: the same
 * counts as {@code /metrics}, under Micrometer's dotted names (a Prometheus registry prints
 * {@code shuttle.messages.received} as {@code shuttle_messages_received_total}, as the built-in
 * endpoint does).
 * <pre>{@code
 * new ShuttleMeterBinder(metrics).bindTo(registry);
 * }</pre>
 * <p><b>Cost.</b> Every meter is a function meter reading the engine's own counters when the
 * registry polls: nothing is added to the message path. A label value seen for the first time (a
 * new HTTP status, close code or drop reason) registers its meter then, once.
 * <p><b>Meters.</b> {@code shuttle.ready}, {@code shuttle.connections.open},
 * {@code shuttle.connections.opened}, {@code shuttle.handshakes} (outcome, status),
 * {@code shuttle.messages.received}/{@code .sent} and {@code shuttle.received.bytes}/{@code
 * shuttle.sent.bytes} (type), {@code shuttle.dropped.messages} (reason), {@code shuttle.queued.bytes},
 * {@code shuttle.close.frames.sent}/{@code .received} and {@code shuttle.connections.closed} (code),
 * {@code shuttle.rtt} (a function timer: count and total) with {@code shuttle.rtt.buckets} (le,
 * cumulative), and per registered hub {@code shuttle.hub.rooms} and {@code shuttle.hub.members}.
 * Members per room are left to {@code /metrics}, which bounds them to the largest rooms: rooms
 * come and go with clients' URLs, and a meter per room would stay in the registry after its room.
 */
public final class ShuttleMeterBinder implements MeterBinder {
    private final ShuttleMetrics metrics;

    /**
     * A binder for these figures.
     *
     * @param metrics the figures; the same object the servers count into
     */
    public ShuttleMeterBinder(ShuttleMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Gauge.builder("shuttle.ready", metrics, m -> m.health().ready() ? 1 : 0)
                .description("1 while the server accepts new connections, 0 once it is shutting down").register(registry);
        Gauge.builder("shuttle.connections.open", metrics, ShuttleMetrics::openConnections)
                .description("Open WebSocket connections").register(registry);
        counter(registry, "shuttle.connections.opened", "WebSocket connections started after a 101", ShuttleMetrics::connectionsOpened);
        Gauge.builder("shuttle.queued.bytes", metrics, ShuttleMetrics::queuedBytes).baseUnit("bytes")
                .description("Bytes queued for sending, summed over open connections").register(registry);
        for (boolean binary : new boolean[] {false, true}) {
            String type = binary ? "binary" : "text";
            counter(registry, "shuttle.messages.received", "Data messages received", m -> m.messagesReceived(binary), "type", type);
            counter(registry, "shuttle.received.bytes", "Payload bytes of data messages received", m -> m.bytesReceived(binary), "type", type);
            counter(registry, "shuttle.messages.sent", "Data messages queued for sending", m -> m.messagesSent(binary), "type", type);
            counter(registry, "shuttle.sent.bytes", "Payload bytes of data messages queued for sending", m -> m.bytesSent(binary), "type", type);
        }
        counter(registry, "shuttle.handshakes", "Upgrade requests answered", m -> m.handshakes(101), "outcome", "accepted", "status", "101");
        FunctionTimer.builder("shuttle.rtt", metrics, ShuttleMetrics::rttCount, ShuttleMetrics::rttSumSeconds, TimeUnit.SECONDS)
                .description("Round-trip time of automatic pings").register(registry);
        double[] bounds = ShuttleMetrics.rttBucketBounds();
        for (int i = 0; i <= bounds.length; i++) {
            int bucket = i;
            counter(registry, "shuttle.rtt.buckets", "Round trips at or below le seconds (cumulative)",
                    m -> m.rttCumulativeCounts()[bucket], "le", i < bounds.length ? Double.toString(bounds[i]) : "+Inf");
        }
        for (Map.Entry<String, Hub> e : metrics.hubs().entrySet()) {
            Hub hub = e.getValue();
            Gauge.builder("shuttle.hub.rooms", hub, h -> h.rooms().size()).tag("hub", e.getKey())
                    .description("Rooms of a hub").register(registry);
            Gauge.builder("shuttle.hub.members", hub, h -> h.rooms().stream().mapToLong(Room::size).sum()).tag("hub", e.getKey())
                    .description("Memberships of a hub, summed over its rooms").register(registry);
        }
        // Labelled series appear when their value is first counted; registering is idempotent.
        Runnable labelled = () -> bindLabelled(registry);
        metrics.onNewSeries(labelled);
        labelled.run();
    }

    private void bindLabelled(MeterRegistry registry) {
        for (int status : metrics.handshakeStatuses()) {
            if (status != 101) {
                counter(registry, "shuttle.handshakes", "Upgrade requests answered", m -> m.handshakes(status),
                        "outcome", "refused", "status", Integer.toString(status));
            }
        }
        codes(registry, "shuttle.close.frames.sent", "Close frames sent", metrics::closeCodesSent, metrics::closeFramesSent);
        codes(registry, "shuttle.close.frames.received", "Close frames received", metrics::closeCodesReceived, metrics::closeFramesReceived);
        codes(registry, "shuttle.connections.closed", "Connections ended, by the close code onClose saw",
                metrics::closeCodesClosed, metrics::connectionsClosed);
        for (String reason : metrics.drops().keySet()) {
            counter(registry, "shuttle.dropped.messages", "Messages dropped", m -> m.drops().getOrDefault(reason, 0L), "reason", reason);
        }
    }

    private void codes(MeterRegistry registry, String name, String description, Supplier<int[]> seen, IntToLongFunction count) {
        for (int code : seen.get()) {
            counter(registry, name, description, m -> count.applyAsLong(code), "code", Integer.toString(code));
        }
    }

    private void counter(MeterRegistry registry, String name, String description,
                         java.util.function.ToLongFunction<ShuttleMetrics> value, String... tags) {
        FunctionCounter.builder(name, metrics, m -> value.applyAsLong(m)).description(description).tags(tags).register(registry);
    }
}
