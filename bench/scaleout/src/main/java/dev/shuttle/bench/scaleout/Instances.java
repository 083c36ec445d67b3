package dev.shuttle.bench.scaleout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.bridge.BridgeStats;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.nats.NatsBridge;
import dev.shuttle.websocket.redis.RedisBridge;
import dev.shuttle.websocket.redis.RedisHistory;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * The Shuttle instances of one setup, all in this process: each its own hub, bridge (or
 * {@code RedisHistory}) and built-in listener on 127.0.0.1:0, as separate servers would have.
 * Every setup gets a fresh channel name, so nothing of an earlier row reaches it.
 */
final class Instances implements AutoCloseable {
    private record Instance(Hub hub, HubBridge bridge, RedisHistory history, Listener listener) {
    }

    private final List<Instance> instances = new ArrayList<>();

    private Instances() {
    }

    /**
     * Starts the instances of a setup.
     *
     * @param broker the broker, or null for {@link Setup#LOCAL}
     */
    static Instances start(Setup setup, Broker broker) throws Exception {
        Instances all = new Instances();
        String channel = "scaleout." + UUID.randomUUID().toString().substring(0, 8);
        try {
            for (int i = 0; i < setup.instances; i++) {
                Hub.Builder hub = Hub.builder().maxRooms(16);
                HubBridge bridge = null;
                RedisHistory history = null;
                Hub h;
                switch (setup) {
                    case LOCAL -> h = hub.build();
                    case NATS -> {
                        bridge = NatsBridge.builder().url(broker.url("nats")).channel(channel).build();
                        h = bridge.attach(hub);
                    }
                    case REDIS -> {
                        bridge = RedisBridge.builder().url(broker.url("redis")).channel(channel).build();
                        h = bridge.attach(hub);
                    }
                    case REDIS_HISTORY -> {
                        history = RedisHistory.builder().url(broker.url("redis")).channel(channel).build();
                        h = hub.history(history).build();
                    }
                    default -> throw new IllegalStateException(setup.toString());
                }
                all.instances.add(new Instance(h, bridge, history, listen(h)));
            }
        } catch (Exception | Error e) {
            all.close();
            throw e;
        }
        return all;
    }

    private static Listener listen(Hub hub) throws Exception {
        return WebSocketServer.builder()
                .options(Options.builder().closeTimeout(Duration.ofSeconds(1)).build())
                .upgradeHook(hub.upgradeHook(null))
                .handler(hub.relay())
                .build()
                .listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
    }

    int size() {
        return instances.size();
    }

    /** {@return ws://127.0.0.1:port/path of instance i} */
    URI uri(int i, String path) {
        return URI.create("ws://127.0.0.1:" + instances.get(i).listener().port() + path);
    }

    /**
     * Whether every instance is connected to its broker and follows the room: before that, what
     * is published on one instance does not reach the others (at most once, by design).
     */
    boolean ready(String room) {
        for (Instance in : instances) {
            if (in.bridge() != null && !(in.bridge().isConnected() && in.bridge().stats().subscribedRooms() > 0)) {
                return false;
            }
            if (in.history() != null && !in.history().followedRooms().contains(room)) {
                return false;
            }
        }
        return true;
    }

    /** {@return members of the room over every instance} */
    int members(String room) {
        int n = 0;
        for (Instance in : instances) {
            Room r = in.hub().room(room);
            n += r == null ? 0 : r.size();
        }
        return n;
    }

    /**
     * What the servers themselves counted as not delivered: the room's slow-consumer drops, and
     * the bridges' or histories' lost and dropped messages, summed over the instances.
     */
    long serverDrops(String room) {
        long n = 0;
        for (Instance in : instances) {
            Room r = in.hub().room(room);
            if (r != null) {
                n += r.stats().dropped();
            }
            if (in.bridge() != null) {
                BridgeStats s = in.bridge().stats();
                n += s.lost() + s.inboundDropped() + s.decodeErrors();
            }
            if (in.history() != null) {
                n += in.history().lost() + in.history().decodeErrors() + in.history().liveGaps();
            }
        }
        return n;
    }

    @Override
    public void close() {
        for (Instance in : instances) {
            if (in.bridge() != null) {
                in.bridge().close();
            }
            if (in.history() != null) {
                in.history().close();
            }
            in.listener().close();
        }
    }
}
