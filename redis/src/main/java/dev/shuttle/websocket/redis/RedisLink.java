package dev.shuttle.websocket.redis;

import java.time.Duration;

import dev.shuttle.websocket.bridge.BrokerLink;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Redis pub/sub through Lettuce: one connection publishes (commands pipelined in order), one is in
 * subscriber mode (Redis allows nothing else on it). Lettuce's auto-reconnect is off and commands
 * are refused while disconnected, so nothing is buffered behind the bridge's back.
 */
final class RedisLink implements BrokerLink {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisURI uri;
    private final String prefix;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, byte[]> publisher;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscriber;

    RedisLink(String url, String channel, Duration timeout) {
        this.uri = RedisURI.create(url);
        this.uri.setTimeout(timeout);
        this.prefix = channel + ":";
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
    }

    String channelOf(String room) {
        return prefix + room;
    }

    @Override
    public void connect(Inbound inbound, Runnable lost) {
        RedisConnectionStateListener watcher = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                lost.run();
            }
        };
        StatefulRedisConnection<String, byte[]> pub = client.connect(CODEC);
        pub.addListener(watcher);
        publisher = pub;
        StatefulRedisPubSubConnection<String, byte[]> sub = client.connectPubSub(CODEC);
        sub.addListener(watcher);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                inbound.received(channel.startsWith(prefix) ? channel.substring(prefix.length()) : null, message);
            }
        });
        subscriber = sub;
    }

    @Override
    public boolean isConnected() {
        StatefulRedisConnection<String, byte[]> p = publisher;
        StatefulRedisPubSubConnection<String, byte[]> s = subscriber;
        return p != null && s != null && p.isOpen() && s.isOpen();
    }

    @Override
    public void publish(String room, byte[] envelope, Runnable refused) {
        StatefulRedisConnection<String, byte[]> p = publisher;
        if (p == null) {
            throw new IllegalStateException("not connected");
        }
        // Pipelined: no wait for the reply, so one slow round trip does not hold the queue.
        p.async().publish(channelOf(room), envelope).whenComplete((receivers, error) -> {
            if (error != null) {
                refused.run();
            }
        });
    }

    @Override
    public void subscribe(String room) {
        subscriber.sync().subscribe(channelOf(room));
    }

    @Override
    public void unsubscribe(String room) {
        subscriber.sync().unsubscribe(channelOf(room));
    }

    @Override
    public void disconnect() {
        StatefulRedisConnection<String, byte[]> p = publisher;
        StatefulRedisPubSubConnection<String, byte[]> s = subscriber;
        publisher = null;
        subscriber = null;
        // A connection that the broker dropped is closed already; closing it again only logs a warning.
        if (p != null && p.isOpen()) {
            p.closeAsync();
        }
        if (s != null && s.isOpen()) {
            s.closeAsync();
        }
    }

    @Override
    public void close() {
        disconnect();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String describe() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }
}
