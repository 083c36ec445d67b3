package dev.shuttle.websocket.nats;

import static dev.shuttle.websocket.bridge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.bridge.testing.Cluster;
import dev.shuttle.websocket.bridge.testing.Eventually;
import dev.shuttle.websocket.bridge.testing.RecoveryCases;
import dev.shuttle.websocket.hub.HistoryRead;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.hub.RecoveryListener;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * Cross-instance recovery with {@link JetStreamHistory} on a real nats-server with JetStream
 * (the {@link RecoveryCases}), and beside them: every message reaches every client of three
 * instances exactly once, in one order, while all three publish into the same room; and a
 * nats-server that lost its store gives a new epoch, which a returning client is told first.
 */
class JetStreamHistoryTest extends RecoveryCases {
    private static final String CHANNEL = "test.history";
    private static final long QUIET_MILLIS = 300;

    private final List<JetStreamHistory> mine = new ArrayList<>();
    private Cluster own;

    @Override
    protected BrokerProcess startBroker() throws Exception {
        return BrokerProcess.nats(true);
    }

    @Override
    protected HistoryStore store(BrokerProcess broker, int instance) {
        return JetStreamHistory.builder().url(broker.url("nats")).channel(CHANNEL).maxCount(500).build();
    }

    @Override
    protected boolean follows(HistoryStore store, String room) {
        return ((JetStreamHistory) store).followedRooms().contains(room);
    }

    @AfterEach
    void stopMine() {
        if (own != null) {
            own.close();
        }
        mine.forEach(JetStreamHistory::close);
    }

    /** Three instances with their own stores, rendering {@code EPOCH:OFFSET|body}. */
    private Cluster cluster3() throws Exception {
        own = Cluster.ofHubs(i -> {
            JetStreamHistory h = (JetStreamHistory) store(broker, i);
            mine.add(h);
            return Hub.builder()
                    .history(h)
                    .renderer((key, position, body) -> PreparedMessage.text(
                            position + "|" + new String(body.payload(), StandardCharsets.UTF_8)))
                    .recoveryListener(new RecoveryListener() {
                        @Override
                        public void onRecoveryFailed(Room room, WebSocket member, HistoryRead.Gap gap) {
                            member.write(PreparedMessage.text("recovery.failed:" + gap.reason()));
                        }
                    })
                    .build();
        }, 3);
        return own;
    }

    private void awaitFollowing(String room, int... instances) {
        for (int i : instances) {
            JetStreamHistory h = mine.get(i);
            eventually(() -> h.followedRooms().contains(room), () -> "instance " + i + " follows " + room);
        }
    }

    private static String take(JdkClient c) throws InterruptedException {
        JdkClient.Message m = c.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m, "no message");
        return m.text();
    }

    private static Position positionOf(String rendered) {
        int bar = rendered.indexOf('|');
        assertTrue(bar > 0, "rendered with its position: " + rendered);
        return Position.parse(rendered.substring(0, bar));
    }

    @Test
    void everyMessageReachesEveryClientOfThreeInstancesOnceInOneOrderWhileAllThreePublish() throws Exception {
        Cluster c = cluster3();
        int perPublisher = 60;
        List<JdkClient> publishers = new ArrayList<>();
        List<JdkClient> listeners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            publishers.add(c.client(i, "/all"));
            listeners.add(c.client(i, "/all"));
        }
        awaitFollowing("/all", 0, 1, 2);

        List<Thread> senders = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            JdkClient publisher = publishers.get(p);
            int id = p;
            senders.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int k = 0; k < perPublisher; k++) {
                        publisher.sendText("p" + id + "-" + k);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }

        int total = 3 * perPublisher;
        List<String> order = null;
        for (JdkClient l : listeners) {
            List<String> got = new ArrayList<>();
            Position previous = null;
            int[] next = new int[3];
            for (int n = 0; n < total; n++) {
                String t = take(l);
                Position p = positionOf(t);
                if (previous != null) {
                    assertEquals(previous.epoch(), p.epoch(), "one epoch");
                    assertEquals(previous.offset() + 1, p.offset(), "consecutive offsets: nothing lost, nothing twice");
                }
                previous = p;
                String body = t.substring(t.indexOf('|') + 1);
                int publisher = body.charAt(1) - '0';
                assertEquals("p" + publisher + "-" + next[publisher]++, body, "in order per publisher");
                got.add(t);
            }
            if (order == null) {
                order = got;
            } else {
                assertEquals(order, got, "the same positions and order on every instance");
            }
        }
        // A publisher gets the others' messages, at the same positions, not its own.
        for (int p = 0; p < 3; p++) {
            String own = "|p" + p + "-";
            List<String> expected = order.stream().filter(t -> !t.contains(own)).toList();
            List<String> got = new ArrayList<>();
            for (int n = 0; n < expected.size(); n++) {
                got.add(take(publishers.get(p)));
            }
            assertEquals(expected, got, "publisher " + p + " gets every other message once, in the one order");
        }
        Thread.sleep(QUIET_MILLIS);
        for (JdkClient x : listeners) {
            assertNull(x.messages.poll(), "nothing twice");
        }
        for (JdkClient x : publishers) {
            assertNull(x.messages.poll(), "nothing twice, nothing of its own");
        }
        for (JetStreamHistory h : mine) {
            assertEquals(0, h.lost(), "nothing lost");
            assertEquals(0, h.decodeErrors());
            assertEquals(0, h.liveGaps());
        }
        assertEquals(total, mine.stream().mapToLong(JetStreamHistory::appended).sum());
    }

    @Test
    void aNatsServerThatLostItsStoreGivesANewEpochThatAReturningClientIsToldFirst() throws Exception {
        Cluster c = cluster3();
        JdkClient publisher = c.client(0, "/lost");
        JdkClient leaver = c.client(1, "/lost");
        awaitFollowing("/lost", 0, 1);
        publisher.sendText("before");
        String first = take(leaver);
        Position old = positionOf(first);
        assertEquals(1, old.offset());
        leaver.sendClose(1000, "");
        eventually(() -> c.get(1).hub().room("/lost") == null, () -> "the leaver left");

        broker.restartEmpty();
        for (JetStreamHistory h : mine) {
            eventually(() -> h.isConnected() && h.streamResets() == 1, () -> "the store saw its stream created again");
        }
        eventually(() -> mine.get(0).followedRooms().contains("/lost"), () -> "instance 0 follows the room again");

        JdkClient returned = c.client(c.get(2).uri("/lost?since=" + old));
        assertEquals("recovery.failed:EPOCH_CHANGED", take(returned), "told before anything else");
        eventually(() -> mine.get(2).followedRooms().contains("/lost"), () -> "instance 2 follows the room");
        publisher.sendText("after");
        String live = take(returned);
        Position now = positionOf(live);
        assertEquals("after", live.substring(live.indexOf('|') + 1));
        assertNotEquals(old.epoch(), now.epoch(), "a new epoch");
        assertEquals(1, now.offset(), "the new history's first message");
        Thread.sleep(QUIET_MILLIS);
        assertNull(returned.messages.poll(), "nothing twice");
    }

    @Test
    void aNatsServerRestartedWithItsStoreKeepsTheEpochAndLiveDeliveryResumes() throws Exception {
        Cluster c = cluster3();
        JdkClient publisher = c.client(0, "/kept");
        JdkClient watcher = c.client(1, "/kept");
        awaitFollowing("/kept", 0, 1);
        publisher.sendText("before");
        Position before = positionOf(take(watcher));

        broker.kill();
        broker.start();
        for (JetStreamHistory h : mine) {
            eventually(h::isConnected, () -> "reconnected");
        }
        // Appends while jnats reconnects are lost (at most once): send until one comes through.
        String got = null;
        for (int k = 0; got == null && k < 100; k++) {
            publisher.sendText("probe" + k);
            JdkClient.Message m = watcher.messages.poll(200, TimeUnit.MILLISECONDS);
            got = m == null ? null : m.text();
        }
        assertNotNull(got, () -> "live delivery resumed; " + mine.stream().map(h -> "appended " + h.appended() + " lost " + h.lost()
                + " delivered " + h.delivered() + " follows " + h.followedRooms() + " gaps " + h.liveGaps()).toList());
        Position after = positionOf(got);
        assertEquals(before.epoch(), after.epoch(), "the stored history goes on");
        assertEquals(before.offset() + 1, after.offset(), "the first message stored after the restart is the next one");
        assertEquals(0, mine.get(1).streamResets());

        JdkClient returned = c.client(c.get(2).uri("/kept?since=" + new Position(before.epoch(), 0)));
        assertEquals(before + "|before", take(returned));
        assertEquals(got, take(returned));
    }

    @Test
    void headOfAnEmptyRoomIsKeptByItsFirstMessage() throws Exception {
        Cluster c = cluster3();
        JetStreamHistory h = mine.get(1);
        Position head = h.head("/fresh");
        assertEquals(0, head.offset());
        assertEquals(head, mine.get(2).head("/fresh"), "one epoch for every instance");
        JdkClient publisher = c.client(0, "/fresh");
        JdkClient watcher = c.client(c.get(1).uri("/fresh?since=" + head));
        awaitFollowing("/fresh", 0, 1);
        publisher.sendText("one");
        assertEquals(head.next() + "|one", take(watcher), "no gap notice: the head's epoch goes on");
        HistoryRead read = mine.get(2).read("/fresh", head, 10);
        assertTrue(read instanceof HistoryRead.Entries, "entries: " + read);
        List<String> texts = ((HistoryRead.Entries) read).entries().stream()
                .map(e -> new String(e.message().payload(), StandardCharsets.UTF_8)).toList();
        assertEquals(List.of(head.next() + "|one"), texts);
    }

    @Test
    void readsARoomInterleavedWithAnotherFromEveryKeptPositionAndTellsWhatItCannot() throws Exception {
        JetStreamHistory h = JetStreamHistory.builder().url(broker.url("nats")).channel("test.read").maxCount(5).build();
        mine.add(h);
        Hub hub = Hub.builder().history(h)
                .renderer((key, position, body) -> PreparedMessage.text(
                        position + "|" + new String(body.payload(), StandardCharsets.UTF_8)))
                .build();
        int total = 0;
        for (int k = 1; k <= 8; k++) {
            hub.publish("a", PreparedMessage.text("a" + k), null);
            for (int j = 0; j < k; j++) {
                hub.publish("b", PreparedMessage.text("b" + k + "." + j), null); // a's messages drift apart
            }
            total += 1 + k;
        }
        int expected = total;
        eventually(() -> h.appended() == expected, () -> "all stored: " + h.appended() + ", lost " + h.lost());
        Position head = h.head("a");
        assertEquals(8, head.offset());
        String e = head.epoch();
        for (int after = 3; after <= 7; after++) {
            HistoryRead r = h.read("a", new Position(e, after), 10);
            assertTrue(r instanceof HistoryRead.Entries, "after " + after + ": " + r);
            List<String> texts = ((HistoryRead.Entries) r).entries().stream()
                    .map(x -> new String(x.message().payload(), StandardCharsets.UTF_8)).toList();
            List<String> want = new ArrayList<>();
            for (int k = after + 1; k <= 8; k++) {
                want.add(e + ":" + k + "|a" + k);
            }
            assertEquals(want, texts, "after " + after);
        }
        HistoryRead one = h.read("a", new Position(e, 4), 1);
        assertEquals(List.of(new Position(e, 5)),
                ((HistoryRead.Entries) one).entries().stream().map(x -> x.position()).toList(), "at most max");
        assertEquals(new HistoryRead.Entries(List.of()), h.read("a", head, 10));
        assertGap(HistoryRead.Reason.TOO_OLD, h.read("a", new Position(e, 2), 10), head);
        assertGap(HistoryRead.Reason.UNKNOWN_POSITION, h.read("a", new Position(e, 9), 10), head);
        assertGap(HistoryRead.Reason.EPOCH_CHANGED, h.read("a", new Position("other", 3), 10), head);
        assertEquals(0, h.decodeErrors());
        eventually(() -> consumersOnTheServer() == 1, () -> "the reads' consumers are gone, the follower's is left");
    }

    /** What nats-server's monitoring says: the consumers of every stream. */
    private int consumersOnTheServer() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.monitorPort() + "/jsz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"consumers\":\\s*(\\d+)").matcher(body);
            assertTrue(m.find(), body);
            return Integer.parseInt(m.group(1));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertGap(HistoryRead.Reason reason, HistoryRead read, Position current) {
        assertTrue(read instanceof HistoryRead.Gap, "a gap: " + read);
        assertEquals(reason, ((HistoryRead.Gap) read).reason());
        assertEquals(current, ((HistoryRead.Gap) read).current());
    }

    @Test
    void streamNamesAreSafeAndTellChannelsApart() {
        String a = JetStreamHistory.streamName("a.b");
        String b = JetStreamHistory.streamName("a_b");
        assertTrue(a.matches("SHUTTLE_HISTORY_a_b_[0-9a-f]{8}"), a);
        assertNotEquals(a, b);
        Map<String, String> names = new HashMap<>();
        for (String ch : List.of("websocket.broadcast", "x y*>", "ünï.cödé")) {
            String n = JetStreamHistory.streamName(ch);
            assertTrue(n.matches("[A-Za-z0-9_-]+"), n);
            assertNull(names.put(n, ch));
        }
    }
}
