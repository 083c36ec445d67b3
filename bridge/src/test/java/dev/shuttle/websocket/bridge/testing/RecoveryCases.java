package dev.shuttle.websocket.bridge.testing;

import static dev.shuttle.websocket.bridge.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.hub.RecoveryListener;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * Recovery across instances with a broker's history store: a client that disconnects, misses 100
 * messages published on another instance, and reconnects to a third instance with its position
 * gets all 100 and then live ones, no gap, no duplicate. Every delivered message is rendered as
 * {@code EPOCH:OFFSET|body} so the test sees positions.
 */
@Timeout(120)
public abstract class RecoveryCases {
    private static final long QUIET_MILLIS = 300;

    /** The broker of the current test. */
    protected BrokerProcess broker;
    private final List<AutoCloseable> stores = new ArrayList<>();
    private Cluster cluster;

    /**
     * Starts this broker.
     *
     * @return the running broker
     * @throws Exception when it does not start
     */
    protected abstract BrokerProcess startBroker() throws Exception;

    /**
     * A history store on the broker for one instance.
     *
     * @param broker the broker
     * @param instance the instance's index
     * @return the store (closed at the end when it is {@link AutoCloseable})
     */
    protected abstract HistoryStore store(BrokerProcess broker, int instance);

    /**
     * Whether the store follows the room live already (it delivers what is appended from now on).
     *
     * @param store the store
     * @param room the room
     * @return whether it follows
     */
    protected abstract boolean follows(HistoryStore store, String room);

    @BeforeEach
    void startTheBroker() throws Exception {
        broker = startBroker();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        for (AutoCloseable s : stores) {
            s.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Cluster cluster() throws Exception {
        List<HistoryStore> made = new ArrayList<>();
        cluster = Cluster.ofHubs(i -> {
            HistoryStore s = store(broker, i);
            made.add(s);
            if (s instanceof AutoCloseable c) {
                stores.add(c);
            }
            return Hub.builder()
                    .history(s)
                    .renderer((key, position, body) -> PreparedMessage.text(
                            position + "|" + new String(body.payload(), StandardCharsets.UTF_8)))
                    .recoveryListener(new RecoveryListener() {
                        @Override
                        public void onRecoveryFailed(dev.shuttle.websocket.hub.Room room, dev.shuttle.websocket.WebSocket member,
                                                     dev.shuttle.websocket.hub.HistoryRead.Gap gap) {
                            member.write(PreparedMessage.text("recovery.failed:" + gap.reason()));
                        }
                    })
                    .build();
        }, 3);
        this.made = made;
        return cluster;
    }

    private List<HistoryStore> made;

    private void awaitFollowing(String room, int... instances) {
        for (int i : instances) {
            HistoryStore s = made.get(i);
            eventually(() -> follows(s, room), () -> "instance " + i + " follows " + room);
        }
    }

    private record Got(Position position, String body) {
    }

    private static Got next(JdkClient c) throws InterruptedException {
        JdkClient.Message m = c.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m, "no message");
        String t = m.text();
        int bar = t.indexOf('|');
        assertTrue(bar > 0, "rendered with its position: " + t);
        return new Got(Position.parse(t.substring(0, bar)), t.substring(bar + 1));
    }

    @Test
    void aClientThatMissed100MessagesRecoversThemOnAnotherInstanceThenGetsLiveOnes() throws Exception {
        Cluster c = cluster();
        JdkClient publisher = c.client(0, "/h");
        JdkClient leaver = c.client(1, "/h");
        JdkClient watcher = c.client(2, "/h");
        awaitFollowing("/h", 0, 1, 2);

        publisher.sendText("m0");
        Got first = next(leaver);
        assertEquals("m0", first.body());
        assertEquals(first, next(watcher), "one position for every instance");
        leaver.sendClose(1000, "");
        eventually(() -> c.get(1).hub().room("/h") == null, () -> "the leaver left");

        for (int k = 1; k <= 100; k++) {
            publisher.sendText("m" + k);
        }
        Position last = first.position();
        for (int k = 1; k <= 100; k++) {
            Got g = next(watcher);
            assertEquals("m" + k, g.body());
            assertEquals(last.offset() + 1, g.position().offset(), "consecutive offsets");
            last = g.position();
        }

        URI back = c.get(2).uri("/h?since=" + first.position());
        JdkClient returned = c.client(back);
        Position cursor = first.position();
        for (int k = 1; k <= 100; k++) {
            Got g = next(returned);
            assertEquals("m" + k, g.body(), "the missed messages in order");
            assertEquals(cursor.epoch(), g.position().epoch());
            assertEquals(cursor.offset() + 1, g.position().offset(), "no gap, no duplicate");
            cursor = g.position();
        }
        for (int k = 101; k <= 110; k++) {
            publisher.sendText("m" + k);
        }
        for (int k = 101; k <= 110; k++) {
            Got g = next(returned);
            assertEquals("m" + k, g.body(), "then live ones");
            assertEquals(cursor.offset() + 1, g.position().offset(), "no gap, no duplicate at the switch");
            cursor = g.position();
            assertEquals("m" + k, next(watcher).body());
        }
        Thread.sleep(QUIET_MILLIS);
        assertNull(returned.messages.poll(), "nothing twice");
        assertNull(watcher.messages.poll(), "nothing twice");
        assertNull(publisher.messages.poll(), "the publisher does not get its own messages");
    }

    /**
     * A member gets what is published after its join, on any instance, without waiting for the
     * store to notice the room: the join itself fixes where live delivery starts
     * ({@link HistoryStore#joined}). The newcomer's first message is read after its join
     * returned; the reply to it is published after that message was delivered elsewhere.
     */
    @Test
    void whatIsPublishedAfterAJoinReachesTheNewMemberAtOnce() throws Exception {
        Cluster c = cluster();
        JdkClient publisher = c.client(0, "/j");
        awaitFollowing("/j", 0);
        for (int round = 0; round < 5; round++) {
            JdkClient newcomer = c.client(1 + round % 2, "/j");
            newcomer.sendText("hello-" + round);
            assertEquals("hello-" + round, next(publisher).body());
            publisher.sendText("welcome-" + round);
            assertEquals("welcome-" + round, next(newcomer).body(), "round " + round);
            newcomer.sendClose(1000, "");
            int instance = 1 + round % 2;
            eventually(() -> c.get(instance).hub().room("/j") == null, () -> "the newcomer left");
        }
    }

    @Test
    void aPositionOfAnotherEpochIsToldFirstThenLiveMessagesFollow() throws Exception {
        Cluster c = cluster();
        JdkClient publisher = c.client(0, "/e");
        awaitFollowing("/e", 0);
        JdkClient stranger = c.client(c.get(1).uri("/e?since=someotherepoch:5"));
        JdkClient.Message m = stranger.messages.poll(Eventually.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m);
        assertEquals("recovery.failed:EPOCH_CHANGED", m.text());
        awaitFollowing("/e", 1);
        publisher.sendText("live");
        assertEquals("live", next(stranger).body());
    }
}
