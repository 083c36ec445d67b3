package dev.shuttle.websocket.bridge.testing;

import static dev.shuttle.websocket.bridge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.bridge.BridgeStats;
import dev.shuttle.websocket.bridge.Envelope;
import dev.shuttle.websocket.bridge.EnvelopeCodec;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * The cases every broker bridge must pass, with a real broker and three (or two) in-process
 * Shuttle instances with JDK clients: exactly once and in order per publisher, subscriptions only
 * for rooms with local members (checked on the broker's side), a broker killed and restarted
 * mid-run, and garbage on the broker. A subclass names the broker.
 */
@Timeout(120)
public abstract class CrossInstanceCases {
    /** How long "no more messages" is watched for after the expected ones arrived. */
    private static final long QUIET_MILLIS = 300;

    /** The broker of the current test. */
    protected BrokerProcess broker;
    private Cluster cluster;

    /**
     * Starts this broker.
     *
     * @return the running broker
     * @throws Exception when it does not start
     */
    protected abstract BrokerProcess startBroker() throws Exception;

    /**
     * A bridge to the broker, not attached yet.
     *
     * @param broker the broker
     * @param instance the instance's index
     * @return the bridge
     */
    protected abstract HubBridge bridge(BrokerProcess broker, int instance);

    /**
     * What the broker itself says: room key to number of subscribers, for this test's channel.
     *
     * @param broker the broker
     * @return the subscriptions per room (rooms without one are absent)
     * @throws Exception when the broker cannot be asked
     */
    protected abstract Map<String, Integer> brokerSubscribers(BrokerProcess broker) throws Exception;

    /**
     * Publishes raw bytes on a room's subject or channel, as a hostile or broken peer would.
     *
     * @param broker the broker
     * @param room the room
     * @param bytes the bytes
     * @throws Exception when the broker cannot be reached
     */
    protected abstract void publishRaw(BrokerProcess broker, String room, byte[] bytes) throws Exception;

    @BeforeEach
    void startTheBroker() throws Exception {
        broker = startBroker();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Cluster cluster(int n) throws Exception {
        cluster = new Cluster(n, i -> bridge(broker, i));
        return cluster;
    }

    private void awaitSubscribers(Map<String, Integer> expected) {
        Map<String, Integer>[] seen = new Map[1];
        eventually(() -> {
            try {
                seen[0] = brokerSubscribers(broker);
                return expected.equals(seen[0]);
            } catch (Exception e) {
                return false;
            }
        }, () -> "broker subscriptions " + expected + ", the broker says " + seen[0]);
    }

    @Test
    void everyMessageReachesEveryClientExactlyOnceAndInOrderPerPublisher() throws Exception {
        Cluster c = cluster(3);
        List<JdkClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(c.client(i, "/room"));
            clients.add(c.client(i, "/room"));
        }
        JdkClient elsewhere = c.client(0, "/elsewhere");
        awaitSubscribers(Map.of("/room", 3, "/elsewhere", 1));

        int perSender = 40;
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < clients.size(); s++) {
            JdkClient sender = clients.get(s);
            int id = s;
            senders.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int k = 0; k < perSender; k++) {
                        sender.sendText(id + ":" + k);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (int r = 0; r < clients.size(); r++) {
            int[] next = new int[clients.size()];
            for (int n = 0; n < perSender * (clients.size() - 1); n++) {
                JdkClient.Message m = clients.get(r).messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(m, "client " + r + " got only " + n + " messages");
                String[] parts = m.text().split(":");
                int s = Integer.parseInt(parts[0]);
                assertTrue(s != r, "client " + r + " got its own message back");
                assertEquals(next[s]++, Integer.parseInt(parts[1]), "client " + r + ": sender " + s + "'s messages in order");
            }
        }
        // One binary message crosses as binary.
        byte[] bytes = {0, 1, 2, (byte) 0xFF};
        clients.get(0).sendBinary(bytes);
        for (int r = 1; r < clients.size(); r++) {
            JdkClient.Message m = clients.get(r).messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m);
            assertTrue(m.binary());
            assertArrayEquals(bytes, m.data());
        }
        Thread.sleep(QUIET_MILLIS);
        for (int r = 0; r < clients.size(); r++) {
            assertNull(clients.get(r).messages.poll(), "client " + r + " got a message twice");
        }
        assertNull(elsewhere.messages.poll(), "another room got nothing");

        long total = (long) perSender * clients.size() + 1;
        for (Cluster.Instance in : c.all()) {
            eventually(() -> in.bridge().stats().received() == total, () -> "received " + in.bridge().stats());
            BridgeStats s = in.bridge().stats();
            assertEquals(0, s.lost(), s::toString);
            assertEquals(0, s.decodeErrors(), s::toString);
            assertEquals(0, s.inboundDropped(), s::toString);
        }
        long published = c.all().stream().mapToLong(in -> in.bridge().stats().published()).sum();
        assertEquals(total, published);
        // Each instance published its two clients' messages and skipped them when they came back.
        assertEquals(2L * perSender + 1, c.get(0).bridge().stats().skippedOwn());
        assertEquals(2L * perSender, c.get(1).bridge().stats().skippedOwn());
    }

    @Test
    void subscribesOnlyToRoomsWithLocalMembers() throws Exception {
        Cluster c = cluster(3);
        JdkClient a = c.client(0, "/a");
        JdkClient b1 = c.client(1, "/b");
        awaitSubscribers(Map.of("/a", 1, "/b", 1));
        assertEquals(0, c.get(2).bridge().stats().subscribedRooms(), "instance 2 has no members: no subscription");

        JdkClient b2 = c.client(2, "/b");
        awaitSubscribers(Map.of("/a", 1, "/b", 2));
        a.sendClose(1000, "");
        awaitSubscribers(Map.of("/b", 2));
        eventually(() -> c.get(0).bridge().stats().subscribedRooms() == 0, () -> "instance 0 unsubscribed");

        b1.sendText("hello b");
        JdkClient.Message m = b2.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m);
        assertEquals("hello b", m.text());
        eventually(() -> c.get(1).bridge().stats().received() == 1, () -> "its own came back: " + c.get(1).bridge().stats());
        assertEquals(0, c.get(0).bridge().stats().received(), "instance 0 subscribed to nothing and got nothing");
    }

    @Test
    void brokerRestartMidRunLosesOnlyWhatWasSentWhileItWasDown() throws Exception {
        Cluster c = cluster(3);
        List<JdkClient> senders = new ArrayList<>();
        List<JdkClient> watchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            senders.add(c.client(i, "/r"));
            watchers.add(c.client(i, "/r"));
        }
        awaitSubscribers(Map.of("/r", 3));
        Map<JdkClient, List<String>> got = new HashMap<>();

        sendFromEach(senders, "before", 10);
        for (int i = 0; i < 3; i++) {
            expect(got, watchers.get(i), 30);
            expect(got, senders.get(i), 20);
        }

        broker.kill();
        for (Cluster.Instance in : c.all()) {
            eventually(() -> !in.bridge().isConnected(), () -> "the bridge noticed the broker is gone");
        }
        sendFromEach(senders, "down", 5);
        for (int i = 0; i < 3; i++) {
            expect(got, watchers.get(i), 5); // local delivery goes on
            HubBridge bridge = c.get(i).bridge();
            eventually(() -> bridge.stats().lost() == 5, () -> "lost while down: " + bridge.stats());
        }

        broker.start();
        for (Cluster.Instance in : c.all()) {
            eventually(() -> in.bridge().isConnected(), () -> "reconnected: " + in.bridge().stats());
        }
        awaitSubscribers(Map.of("/r", 3));
        sendFromEach(senders, "after", 10);
        for (int i = 0; i < 3; i++) {
            expect(got, watchers.get(i), 30);
            expect(got, senders.get(i), 20);
        }
        Thread.sleep(QUIET_MILLIS);
        for (int i = 0; i < 3; i++) {
            assertNull(watchers.get(i).messages.poll(), "nothing twice");
            assertNull(senders.get(i).messages.poll(), "nothing twice");
            List<String> w = got.get(watchers.get(i));
            for (int k = 0; k < 5; k++) {
                assertTrue(w.contains("down:" + i + ":" + k), "watcher " + i + " got its instance's message while down");
            }
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    String elsewhere = "down:" + j + ":";
                    assertTrue(w.stream().noneMatch(t -> t.startsWith(elsewhere)), "nothing from elsewhere while down");
                }
            }
            BridgeStats s = c.get(i).bridge().stats();
            assertEquals(5, s.lost(), s::toString);
            assertTrue(s.reconnects() >= 1, s::toString);
            assertEquals(20, s.published(), s::toString);
        }
    }

    private static void sendFromEach(List<JdkClient> senders, String phase, int n) throws Exception {
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < senders.size(); i++) {
                senders.get(i).sendText(phase + ":" + i + ":" + k);
            }
        }
    }

    /** Takes n more messages of a client, checking the order per sender within each phase. */
    private static void expect(Map<JdkClient, List<String>> got, JdkClient client, int n) throws Exception {
        List<String> list = got.computeIfAbsent(client, k -> new ArrayList<>());
        for (int k = 0; k < n; k++) {
            JdkClient.Message m = client.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m, "got " + k + " of " + n + " messages; so far " + list);
            String text = m.text();
            String[] p = text.split(":");
            String prefix = p[0] + ":" + p[1] + ":";
            int last = -1;
            for (String s : list) {
                if (s.startsWith(prefix)) {
                    last = Integer.parseInt(s.substring(prefix.length()));
                }
            }
            assertEquals(last + 1, Integer.parseInt(p[2]), "in order per publisher, no gap, no duplicate: " + text);
            list.add(text);
        }
    }

    @Test
    void garbageOnTheBrokerIsCountedAndNeverDelivered() throws Exception {
        Cluster c = cluster(2);
        JdkClient sender = c.client(0, "/m");
        JdkClient receiver = c.client(1, "/m");
        awaitSubscribers(Map.of("/m", 2));

        EnvelopeCodec codec = new EnvelopeCodec(EnvelopeCodec.DEFAULT_MAX_ROOM_BYTES, 1 << 20);
        byte[] good = codec.encode(new Envelope(UUID.randomUUID(), "/m", 1, false, "x".getBytes(StandardCharsets.UTF_8)));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] badUtf8 = codec.encode(new Envelope(UUID.randomUUID(), "/m", 2, true, new byte[] {(byte) 0xC3, 0x28}));
        badUtf8[2] = 0; // claim text: invalid UTF-8
        byte[] otherRoom = codec.encode(new Envelope(UUID.randomUUID(), "/not-m", 3, false, new byte[0]));
        byte[] hugeLength = good.clone();
        java.nio.ByteBuffer.wrap(hugeLength).putInt(30 + 2, Integer.MAX_VALUE);
        List<byte[]> garbage = List.of("hello".getBytes(StandardCharsets.UTF_8), new byte[0], truncated, badUtf8, otherRoom, hugeLength);
        for (byte[] g : garbage) {
            publishRaw(broker, "/m", g);
        }
        for (Cluster.Instance in : c.all()) {
            eventually(() -> in.bridge().stats().decodeErrors() == garbage.size(), () -> "decode errors: " + in.bridge().stats());
        }
        sender.sendText("after the garbage");
        JdkClient.Message m = receiver.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m, "the subscriber survived the garbage");
        assertEquals("after the garbage", m.text());
        assertTrue(c.get(1).bridge().isConnected());
    }
}
