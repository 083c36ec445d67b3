package dev.shuttle.examples;

import java.time.Duration;

import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.bridge.PubSubConfig;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.nats.JetStreamHistory;
import dev.shuttle.websocket.nats.NatsBridge;
import dev.shuttle.websocket.redis.RedisBridge;
import dev.shuttle.websocket.redis.RedisHistory;

/**
 * What the {@code broadcast} and {@code hub} commands run a room on, from {@code --pubsub} and
 * {@code --history}: either a bridge (no history: at most once, no positions) or a history store
 * (in memory on one instance; the broker's own store in a cluster, which then also carries the
 * messages between instances, so there is no bridge beside it).
 */
public final class ScaleOut {
    private ScaleOut() {
    }

    /**
     * The bridge for a hub without history.
     *
     * @param pubSub the broker
     * @return the bridge, or {@code null} for {@link PubSubConfig.Adapter#LOCAL}
     */
    public static HubBridge bridge(PubSubConfig pubSub) {
        return switch (pubSub.adapter()) {
            case LOCAL -> null;
            case REDIS -> RedisBridge.builder().url(pubSub.url()).channel(pubSub.channel()).build();
            case NATS -> NatsBridge.builder().url(pubSub.url()).channel(pubSub.channel()).build();
        };
    }

    /**
     * The history of one room: in memory for one instance; in the broker for a cluster, where the
     * broker gives the positions, so that a client recovers on any instance.
     *
     * @param pubSub the broker
     * @param maxCount messages kept
     * @param maxAge how long a message stays recoverable
     * @return the store
     */
    public static HistoryStore history(PubSubConfig pubSub, int maxCount, Duration maxAge) {
        return switch (pubSub.adapter()) {
            case LOCAL -> HistoryStore.inMemory(maxCount, maxAge, 1);
            case REDIS -> RedisHistory.builder().url(pubSub.url()).channel(pubSub.channel())
                    .maxCount(maxCount).maxAge(maxAge).build();
            case NATS -> JetStreamHistory.builder().url(pubSub.url()).channel(pubSub.channel())
                    .maxCount(maxCount).maxAge(maxAge).build();
        };
    }
}
