package dev.shuttle.websocket.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;

import dev.shuttle.websocket.bridge.Backoff;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.bridge.testing.CrossInstanceCases;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/** The cross-instance cases over a real redis-server; subscriptions are read with PUBSUB CHANNELS / NUMSUB. */
class RedisBridgeTest extends CrossInstanceCases {
    private static final String CHANNEL = "test.bridge";
    private static final String PREFIX = CHANNEL + ":";
    private RedisClient admin;

    @AfterEach
    void closeAdmin() {
        if (admin != null) {
            admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    protected BrokerProcess startBroker() throws Exception {
        return BrokerProcess.redis();
    }

    @Override
    protected HubBridge bridge(BrokerProcess broker, int instance) {
        return RedisBridge.builder()
                .url(broker.url("redis"))
                .channel(CHANNEL)
                .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
                .build();
    }

    private RedisClient admin(BrokerProcess broker) {
        if (admin == null) {
            admin = RedisClient.create(broker.url("redis"));
        }
        return admin;
    }

    @Override
    protected Map<String, Integer> brokerSubscribers(BrokerProcess broker) {
        try (StatefulRedisConnection<String, String> c = admin(broker).connect()) {
            List<String> channels = c.sync().pubsubChannels(PREFIX + "*");
            Map<String, Integer> rooms = new HashMap<>();
            if (!channels.isEmpty()) {
                c.sync().pubsubNumsub(channels.toArray(String[]::new))
                        .forEach((ch, n) -> rooms.put(ch.substring(PREFIX.length()), n.intValue()));
            }
            return rooms;
        }
    }

    @Override
    protected void publishRaw(BrokerProcess broker, String room, byte[] bytes) {
        try (StatefulRedisConnection<String, byte[]> c = admin(broker).connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            c.sync().publish(PREFIX + room, bytes);
        }
    }
}
