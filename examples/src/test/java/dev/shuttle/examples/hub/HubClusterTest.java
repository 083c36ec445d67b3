package dev.shuttle.examples.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.nats.JetStreamHistory;
import dev.shuttle.websocket.redis.RedisHistory;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * nbio-websocket's multi-instance set-up with the hub command itself: three hub servers on one
 * real broker (nats-server or redis-server started here on loopback), a client on each.
 */
@Timeout(120)
class HubClusterTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<HubServer> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private void startCluster(String... flags) throws Exception {
        for (int i = 0; i < 3; i++) {
            String[] args = new String[flags.length + 4];
            System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", "0"}, 0, args, 0, 4);
            System.arraycopy(flags, 0, args, 4, flags.length);
            HubServer s = HubServer.start(HubCommand.parse(Map.of(), args),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            servers.add(s);
            open.add(s);
        }
    }

    private BrokerProcess broker(BrokerProcess b) {
        open.add(0, b); // closed last
        return b;
    }

    private JdkClient client(int instance, String query) throws Exception {
        JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + servers.get(instance).port() + "/ws" + query));
        open.add(c);
        return c;
    }

    /**
     * Broadcasts probes from the first client until every client saw one (each instance then
     * receives from the broker), then a last one, "ready": a publisher's broadcasts arrive in
     * order, so once each client has it, no probe is still on its way.
     *
     * @return the "ready" notification each client saw
     */
    private List<JsonNode> warmUp(List<JdkClient> clients) throws Exception {
        boolean[] seen = new boolean[clients.size()];
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int seenBy = 0; seenBy < clients.size(); ) {
            assertTrue(System.nanoTime() < deadline, "the instances never all received a broadcast");
            HubHistoryTest.broadcast(clients.get(0), "probe");
            Thread.sleep(100); // a retry interval while the instances subscribe, not a guess at an arrival
            for (int i = 0; i < clients.size(); i++) {
                for (JdkClient.Message m; (m = clients.get(i).pending()) != null; ) {
                    if (!seen[i] && HubHistoryTest.JSON.readTree(m.text()).has("method")) {
                        seen[i] = true;
                        seenBy++;
                    }
                }
            }
        }
        HubHistoryTest.broadcast(clients.get(0), "ready");
        List<JsonNode> ready = new ArrayList<>();
        for (JdkClient c : clients) {
            JsonNode n;
            do {
                n = HubHistoryTest.notification(c);
            } while (!"ready".equals(n.path("params").path("text").asText()));
            ready.add(n);
        }
        return ready;
    }

    private void everyBroadcastReachesEveryClientOnceAndInOrder() throws Exception {
        List<JdkClient> clients = List.of(client(0, ""), client(1, ""), client(2, ""));
        warmUp(clients);
        int perPublisher = 30;
        for (int k = 0; k < perPublisher; k++) {
            for (int p = 0; p < clients.size(); p++) {
                HubHistoryTest.broadcast(clients.get(p), p + "-" + k);
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            Map<String, Integer> nextOf = new HashMap<>();
            for (int n = 0; n < perPublisher * clients.size(); n++) {
                String text = HubHistoryTest.notification(clients.get(i)).path("params").path("text").asText();
                String publisher = text.substring(0, text.indexOf('-'));
                int k = Integer.parseInt(text.substring(text.indexOf('-') + 1));
                int expected = nextOf.getOrDefault(publisher, 0);
                assertEquals(expected, k, "client " + i + ": publisher " + publisher + "'s messages once each, in order");
                nextOf.put(publisher, k + 1);
            }
            HubHistoryTest.assertNoNotificationBeforeAReply(clients.get(i), "end-" + i);
        }
    }

    @Test
    void natsBridge() throws Exception {
        BrokerProcess nats = broker(BrokerProcess.nats(false));
        startCluster("--pubsub", nats.url("nats"));
        everyBroadcastReachesEveryClientOnceAndInOrder();
        assertNotNull(servers.get(0).bridge(), "bridged");
    }

    @Test
    void redisBridge() throws Exception {
        BrokerProcess redis = broker(BrokerProcess.redis());
        startCluster("--pubsub", redis.url("redis"));
        everyBroadcastReachesEveryClientOnceAndInOrder();
        assertNotNull(servers.get(0).bridge(), "bridged");
    }

    /** The case: a client misses 100 broadcasts made on one instance and recovers them on another. */
    @Test
    void redisHistoryRecoversOnAnotherInstance() throws Exception {
        BrokerProcess redis = broker(BrokerProcess.redis());
        startCluster("--pubsub", redis.url("redis"), "--history", "500");
        assertTrue(servers.get(1).historyStore() instanceof RedisHistory, "the history is Redis's");
        assertNull(servers.get(1).bridge(), "the stream carries the messages: no bridge beside it");
        recoversOnAnotherInstance();
    }

    @Test
    void natsJetStreamHistoryRecoversOnAnotherInstance() throws Exception {
        BrokerProcess nats = broker(BrokerProcess.nats(true));
        startCluster("--pubsub", nats.url("nats"), "--history", "500");
        assertTrue(servers.get(1).historyStore() instanceof JetStreamHistory, "the history is JetStream's");
        assertNull(servers.get(1).bridge());
        recoversOnAnotherInstance();
    }

    private void recoversOnAnotherInstance() throws Exception {
        JdkClient publisher = client(0, "");
        JdkClient leaver = client(1, "");
        JdkClient watcher = client(2, "");
        List<JsonNode> seen = warmUp(List.of(publisher, leaver, watcher));
        JsonNode position = seen.get(1).path("position");
        assertEquals(seen.get(1), seen.get(2), "one position on every instance");
        String epoch = position.path("epoch").asText();
        long last = position.path("offset").asLong();
        leaver.close();

        for (int k = 1; k <= 100; k++) {
            HubHistoryTest.broadcast(publisher, "missed-" + k);
        }
        for (int k = 1; k <= 100; k++) {
            JsonNode n = HubHistoryTest.notification(watcher);
            assertEquals("missed-" + k, n.path("params").path("text").asText());
            assertEquals(last + k, n.path("position").path("offset").asLong());
        }
        JdkClient back = client(2, "?since=" + epoch + ":" + last);
        for (int k = 1; k <= 100; k++) {
            JsonNode n = HubHistoryTest.notification(back);
            assertEquals("missed-" + k, n.path("params").path("text").asText(), "all 100, in order");
            assertEquals(epoch, n.path("position").path("epoch").asText());
            assertEquals(last + k, n.path("position").path("offset").asLong(), "no gap, no duplicate");
        }
        HubHistoryTest.broadcast(publisher, "live");
        JsonNode live = HubHistoryTest.notification(back);
        assertEquals("live", live.path("params").path("text").asText());
        assertEquals(last + 101, live.path("position").path("offset").asLong(), "live ones follow at once");
        assertEquals(live, HubHistoryTest.notification(watcher));
        HubHistoryTest.assertNoNotificationBeforeAReply(back, "end");
    }
}
