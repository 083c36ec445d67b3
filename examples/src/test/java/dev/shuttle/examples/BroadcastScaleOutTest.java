package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.bridge.PubSubConfig;
import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.testing.JdkClient;

/** {@code broadcast --history N} and {@code broadcast --pubsub URL}, with the JDK's client. */
@Timeout(90)
class BroadcastScaleOutTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private URI start(BroadcastExample e) throws Exception {
        open.add(e);
        int port = e.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).port();
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    private JdkClient client(URI uri) throws Exception {
        JdkClient c = JdkClient.connect(uri);
        open.add(c);
        return c;
    }

    private static void awaitMembers(BroadcastExample e, int n) {
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (e.hub().room(BroadcastExample.ROOM) == null || e.hub().room(BroadcastExample.ROOM).size() != n) {
            assertTrue(System.nanoTime() < deadline, "members did not reach " + n);
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The next message that is not a tick. */
    private static String next(JdkClient c) throws InterruptedException {
        return c.await(m -> !m.binary() && !m.text().startsWith("tick ")).text();
    }

    @Test
    void withHistoryEachMessageCarriesItsPositionAndAReconnectGetsWhatItMissed() throws Exception {
        BroadcastExample example = new BroadcastExample(PubSubConfig.LOCAL, 10);
        URI uri = start(example);
        JdkClient a = client(uri);
        JdkClient b = client(uri);
        awaitMembers(example, 2);
        a.sendText("x");
        String first = next(b);
        assertTrue(first.endsWith("|x"), first);
        Position p = Position.parse(first.substring(0, first.indexOf('|')));
        assertEquals(1, p.offset());
        assertEquals(first, next(a), "the sender gets it too, position included");
        b.close();
        awaitMembers(example, 1);
        a.sendText("y");
        a.sendText("z");
        assertEquals(p.epoch() + ":2|y", next(a));
        assertEquals(p.epoch() + ":3|z", next(a));

        JdkClient back = client(URI.create(uri + "?since=" + p));
        assertEquals(p.epoch() + ":2|y", next(back));
        assertEquals(p.epoch() + ":3|z", next(back));

        JdkClient lost = client(URI.create(uri + "?since=gone:7"));
        assertEquals("recovery.failed epoch_changed " + p.epoch() + ":3", next(lost), "told first, with where live ones go on");
    }

    @Test
    void twoInstancesOnNatsRelayToEachOthersClients() throws Exception {
        BrokerProcess nats = BrokerProcess.nats(false);
        open.add(nats);
        PubSubConfig config = PubSubConfig.fromOption(nats.url("nats"), "shuttle.test");
        BroadcastExample one = new BroadcastExample(config, 0);
        BroadcastExample two = new BroadcastExample(config, 0);
        JdkClient a = client(start(one));
        JdkClient b = client(start(two));
        awaitMembers(one, 1);
        awaitMembers(two, 1);
        // Until both instances subscribed: probes until one crosses, then the real message.
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int k = 0; ; k++) {
            assertTrue(System.nanoTime() < deadline, "nothing ever crossed the broker");
            a.sendText("probe " + k);
            try {
                b.await(m -> !m.binary() && m.text().startsWith("probe "));
                break;
            } catch (AssertionError notYet) {
                // the other instance was not subscribed yet
            }
        }
        a.sendText("from one");
        assertEquals("from one", b.awaitText("from one").text());
        b.sendText("from two");
        assertEquals("from two", a.awaitText("from two").text());
        assertEquals("from two", b.awaitText("from two").text(), "the sender's own instance delivers it too");
    }

    @Test
    void theOptionsAreBroadcastsOnly() throws Exception {
        Command c = Command.parse(Map.of(), "broadcast", "--pubsub", "redis://127.0.0.1:6390/0", "--history", "20");
        assertEquals(new PubSubConfig(PubSubConfig.Adapter.REDIS, "redis://127.0.0.1:6390/0", "websocket.broadcast"), c.pubSub());
        assertEquals(20, c.history());
        assertEquals("rooms.x", Command.parse(Map.of("WS_PUBSUB_CHANNEL", "rooms.x"), "broadcast", "--pubsub", "nats://127.0.0.1:4222")
                .pubSub().channel(), "the channel of WS_PUBSUB_CHANNEL beside --pubsub");
        assertEquals(PubSubConfig.Adapter.NATS, Command.parse(Map.of("WS_PUBSUB_ENABLED", "true", "WS_PUBSUB_ADAPTER", "nats"), "broadcast")
                .pubSub().adapter(), "WS_PUBSUB_* when there is no --pubsub");
        assertEquals(PubSubConfig.LOCAL, Command.parse(Map.of("WS_PUBSUB_ENABLED", "true", "WS_PUBSUB_ADAPTER", "nats"), "echo").pubSub());
        assertThrows(Command.UsageException.class, () -> Command.parse(Map.of(), "echo", "--pubsub", "nats://127.0.0.1:4222"));
        assertThrows(Command.UsageException.class, () -> Command.parse(Map.of(), "rtt", "--history", "5"));
        assertThrows(Command.UsageException.class, () -> Command.parse(Map.of(), "broadcast", "--history", "-5"));
        assertThrows(Command.UsageException.class, () -> Command.parse(Map.of(), "broadcast", "--pubsub", "amqp://x:5672"));
    }
}
