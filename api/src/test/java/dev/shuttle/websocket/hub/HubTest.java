package dev.shuttle.websocket.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.session.Connection;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * The Hub over the built-in listener with real clients: the JDK's WebSocket client as members
 * that read, {@link SilentPeer} (a raw socket with a tiny receive window) as the member that
 * stops reading.
 */
@Timeout(60)
class HubTest {
    private static final int LIMIT = 64 * 1024;
    private static final int BIG = 16 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Events events = new Events();
    private Listener listener;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    // ---------------------------------------------------------------- membership and events

    @Test
    void joinsLeavesAndExpiresWithTheirCloseCodesInOrder() throws Exception {
        Hub hub = start(Hub.builder().listener(events));
        JdkClient a = client("/r");
        awaitSize(hub, "/r", 1);
        JdkClient b = client("/r");
        awaitSize(hub, "/r", 2);
        Room first = hub.room("/r");

        a.sendClose(1000, "bye");
        awaitSize(hub, "/r", 1);
        b.close(); // abort: no close frame
        eventually(() -> hub.room("/r") == null, "the room expires with its last member");
        assertTrue(first.isExpired());
        assertEquals(0, hub.roomCount());
        assertEquals(List.of("created /r", "join /r others=0", "join /r others=1", "leave /r 1000", "leave /r 1006", "expired /r"),
                events.list());

        client("/r");
        awaitSize(hub, "/r", 1);
        assertNotSame(first, hub.room("/r"), "a new room after expiry");
    }

    @Test
    void relaysToTheOthersAndToTheSenderWhenReflexive() throws Exception {
        Hub hub = start(Hub.builder());
        JdkClient a = client("/x");
        JdkClient b = client("/x");
        JdkClient elsewhere = client("/y");
        awaitSize(hub, "/x", 2);
        a.sendText("from a");
        assertEquals("from a", b.nextMessage().text());
        b.sendText("from b");
        assertEquals("from b", a.nextMessage().text(), "a did not get its own message first: not reflexive");
        assertTrue(elsewhere.messages.isEmpty());
        eventually(() -> hub.room("/x").stats().deliveries() == 2, "two deliveries counted");
        assertEquals(2, hub.room("/x").stats().messages());
        assertEquals(2 * "from a".length(), hub.room("/x").stats().bytes());
        listener.close();

        Hub reflexive = start(Hub.builder().reflexive(true));
        JdkClient c = client("/x");
        awaitSize(reflexive, "/x", 1);
        c.sendText("echo");
        assertEquals("echo", c.nextMessage().text());
    }

    @Test
    void maxRoomsRefusesWith503AndJoinThrows() throws Exception {
        Hub hub = start(Hub.builder().maxRooms(1).maxMembersPerRoom(2));
        JdkClient a = client("/a");
        awaitSize(hub, "/a", 1);
        assertEquals(503, refusedStatus("/b"));
        RoomLimitException e = assertThrows(RoomLimitException.class, () -> hub.join("/b", hub.room("/a").members().get(0)));
        assertEquals(RoomLimitException.Reason.TOO_MANY_ROOMS, e.reason());
        assertEquals(List.of("/a"), List.copyOf(hub.roomsOf(hub.room("/a").members().get(0))), "a failed join leaves the rest alone");

        client("/a");
        awaitSize(hub, "/a", 2);
        assertEquals(503, refusedStatus("/a"), "full room");

        a.sendClose(1000, "");
        client("/a");
        awaitSize(hub, "/a", 2);
        assertEquals(1, hub.roomCount());
    }

    @Test
    void joiningAndLeavingByHandFromAnyThread() throws Exception {
        Hub hub = Hub.builder().listener(events).build();
        WebSocketServer server = WebSocketServer.builder().onOpen(c -> { }).build();
        listener = server.listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
        List<JdkClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(client("/any"));
        }
        eventually(() -> listener.connectionCount() == 3, "three connections");
        List<WebSocket> conns = new ArrayList<>(server.connections());
        for (WebSocket c : conns) {
            hub.join("one", c);
            hub.join("two", c);
        }
        assertEquals(3, hub.room("one").size());
        assertEquals(3, hub.publish("one", PreparedMessage.text("to all")));
        for (JdkClient c : clients) {
            assertEquals("to all", c.nextMessage().text());
        }
        assertTrue(hub.leave("one", conns.get(0)));
        assertTrue(!hub.leave("one", conns.get(0)), "not a member any more");
        assertEquals(java.util.Set.of("two"), hub.roomsOf(conns.get(0)));
        assertTrue(events.list().contains("leave one 0"), "a leave while open has code 0");
        conns.get(0).close(1001, "");
        eventually(() -> hub.room("two").size() == 2, "a connection that ends leaves the rooms it joined by hand");
        assertEquals(java.util.Set.of(), hub.roomsOf(conns.get(0)));
        assertThrows(IllegalStateException.class, () -> hub.join("one", conns.get(0)));
    }

    @Test
    void membershipStaysConsistentUnderConcurrentJoinsClosesAndPublishes() throws Exception {
        Hub hub = start(Hub.builder().listener(events));
        int n = 40;
        ConcurrentLinkedQueue<JdkClient> connected = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    connected.add(JdkClient.connect(uri("/c")));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        Thread publisher = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                hub.publish("/c", PreparedMessage.text("tick"));
                LockSupport.parkNanos(100_000);
            }
        });
        for (Thread t : threads) {
            t.join();
        }
        open.addAll(connected);
        awaitSize(hub, "/c", n);
        threads.clear();
        int i = 0;
        for (JdkClient c : connected) {
            boolean abort = i++ % 2 == 0;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    if (abort) {
                        c.close();
                    } else {
                        c.sendClose(1000, "");
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        eventually(() -> hub.roomCount() == 0, "every member left and the room expired");
        publisher.interrupt();
        publisher.join();
        List<String> log = events.list();
        assertEquals(n, log.stream().filter(s -> s.startsWith("join")).count());
        assertEquals(n, log.stream().filter(s -> s.startsWith("leave")).count());
        assertEquals("created /c", log.get(0));
        assertEquals("expired /c", log.get(log.size() - 1));
        // Each join saw exactly the members before it; each leave's room had one member fewer.
        int members = 0;
        for (String s : log) {
            if (s.startsWith("join")) {
                assertEquals("join /c others=" + members, s);
                members++;
            } else if (s.startsWith("leave")) {
                members--;
            }
        }
        assertEquals(0, members);
    }

    @Test
    void messagesOfEachSenderArriveInOrder() throws Exception {
        // BACKPRESSURE: every message must arrive; under the default DROP a burst of 900 small
        // messages can overflow a JDK client's 64 KiB queue share on a loaded machine.
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.BACKPRESSURE));
        JdkClient r1 = client("/o");
        JdkClient r2 = client("/o");
        List<JdkClient> senders = List.of(client("/o"), client("/o"), client("/o"));
        awaitSize(hub, "/o", 5);
        int perSender = 300;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders.size(); s++) {
            JdkClient sender = senders.get(s);
            int id = s;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int k = 0; k < perSender; k++) {
                        sender.sendText(id + ":" + k);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (JdkClient r : List.of(r1, r2)) {
            int[] next = new int[senders.size()];
            for (int k = 0; k < perSender * senders.size(); k++) {
                String[] m = r.nextMessage().text().split(":");
                int s = Integer.parseInt(m[0]);
                assertEquals(next[s]++, Integer.parseInt(m[1]), "sender " + s + "'s messages in order");
            }
        }
    }

    // ---------------------------------------------------------------- slow-consumer policies

    @Test
    void dropLeavesTheSlowMemberBehindAndNobodyWaits() throws Exception {
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.DROP));
        SlowRoom room = slowRoom(hub, "/drop");
        room.sendInLockstepWithTheFastMember(200, BIG); // DROP never holds the sender up
        long dropped = hub.room("/drop").stats().dropped();
        assertTrue(dropped > 0, "the silent member missed messages");
        assertTrue(room.silentConnection.queuedBytes() <= LIMIT + BIG + 200, "its queue stays within the limit");
        int last = -1;
        for (long k = 0; k < 200 - dropped; k++) {
            int seq = ByteBuffer.wrap(room.silent.nextMessage()).getInt();
            assertTrue(seq > last, "what it gets comes in order");
            last = seq;
        }
    }

    @Test
    void backpressurePacesTheSenderAndLosesNothing() throws Exception {
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.BACKPRESSURE));
        SlowRoom room = slowRoom(hub, "/bp");
        Thread sending = room.sendAll(200, BIG);
        eventually(() -> room.silentConnection.queuedBytes() >= LIMIT - BIG, "the silent member's queue fills");
        assertTrue(room.fast.messages.size() < 200, "the sender is held to the silent member's pace");
        assertTrue(room.silentConnection.queuedBytes() <= LIMIT + BIG + 200, "and its queue stays within the limit");
        for (int k = 0; k < 200; k++) {
            assertEquals(k, ByteBuffer.wrap(room.silent.nextMessage()).getInt(), "every message, in order");
        }
        sending.join();
        room.fastGetsAllInOrder(200);
        assertEquals(0, hub.room("/bp").stats().dropped());
    }

    @Test
    void backpressureWithErrorsDisconnectsTheSenderWhenAReceiverVanishes() throws Exception {
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.BACKPRESSURE_WITH_ERRORS));
        SlowRoom room = slowRoom(hub, "/bpe");
        room.sendAll(200, BIG);
        eventually(() -> room.silentConnection.queuedBytes() >= LIMIT - BIG, "the silent member's queue fills");
        room.silent.reset();
        assertEquals(1011, room.sender.awaitClosed().code(), "the sender learns that its messages were lost");
        Room r = hub.room("/bpe");
        eventually(() -> r.size() == 1, "the vanished member and the sender leave; the reading member stays");
        assertTrue(r.stats().sendersClosed() >= 1);
    }

    @Test
    void plainBackpressureKeepsTheSenderWhenAReceiverVanishes() throws Exception {
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.BACKPRESSURE));
        SlowRoom room = slowRoom(hub, "/bp2");
        Thread sending = room.sendAll(200, BIG);
        eventually(() -> room.silentConnection.queuedBytes() >= LIMIT - BIG, "the silent member's queue fills");
        room.silent.reset();
        sending.join();
        room.fastGetsAllInOrder(200);
        assertTrue(!room.sender.closed.isDone(), "the sender stays");
    }

    @Test
    void stochasticDropsBeforeTheQueueIsFullAndBoundsItsLength() throws Exception {
        int qlen = 32;
        int n = 300;
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.stochastic(qlen)));
        SlowRoom room = slowRoom(hub, "/st");
        room.sendInLockstepWithTheFastMember(n, 1024);
        long dropped = hub.room("/st").stats().dropped();
        assertTrue(dropped > 0);
        assertTrue(room.silentConnection.queuedBytes() <= LIMIT + (qlen + 1) * (1024 + 200),
                "at most qlen messages beyond the limit: " + room.silentConnection.queuedBytes());
        // Drops are spread: after the first one, later messages still got through.
        int expected = 0;
        int firstGap = -1;
        int last = -1;
        for (long k = 0; k < n - dropped; k++) {
            last = ByteBuffer.wrap(room.silent.nextMessage()).getInt();
            if (firstGap < 0 && last != expected) {
                firstGap = expected;
            }
            expected = last + 1;
        }
        assertTrue(firstGap >= 0 && last > firstGap, "messages after the first drop arrived: first gap " + firstGap + ", last " + last);
    }

    @Test
    void closeShutsTheSlowMemberOutWith1008() throws Exception {
        Hub hub = start(Hub.builder().policy(SlowConsumerPolicy.CLOSE).listener(events));
        SlowRoom room = slowRoom(hub, "/close");
        room.sendInLockstepWithTheFastMember(200, BIG);
        eventually(() -> hub.room("/close").size() == 2, "the slow member left");
        assertEquals(1, hub.room("/close").stats().closedSlow());
        assertTrue(events.list().stream().anyMatch(s -> s.equals("leave /close 1008") || s.equals("leave /close 1006")),
                events.list().toString());
    }

    // ---------------------------------------------------------------- support

    /** A room with a member that never reads, one that reads and one that sends. */
    private SlowRoom slowRoom(Hub hub, String key) throws Exception {
        SilentPeer silent = new SilentPeer(listener.address(), key);
        open.add(silent);
        awaitSize(hub, key, 1);
        Connection silentConnection = (Connection) hub.room(key).members().get(0);
        assertEquals(silent.localPort(), silentConnection.remoteAddress().getPort());
        JdkClient fast = client(key);
        JdkClient sender = client(key);
        awaitSize(hub, key, 3);
        return new SlowRoom(silent, silentConnection, fast, sender);
    }

    private record SlowRoom(SilentPeer silent, Connection silentConnection, JdkClient fast, JdkClient sender) {
        /** The sender sends n numbered messages of {@code size} bytes from a thread of its own (it may be held up). */
        Thread sendAll(int n, int size) {
            return Thread.ofVirtual().start(() -> {
                try {
                    for (int k = 0; k < n; k++) {
                        byte[] m = new byte[size];
                        ByteBuffer.wrap(m).putInt(k);
                        sender.sendBinary(m);
                    }
                } catch (Exception e) {
                    // the sender was closed under us (BACKPRESSURE_WITH_ERRORS): the test checks that
                }
            });
        }

        /** Each message waits for the fast member to get it: its queue never fills, the silent member's does. */
        void sendInLockstepWithTheFastMember(int n, int size) throws Exception {
            for (int k = 0; k < n; k++) {
                byte[] m = new byte[size];
                ByteBuffer.wrap(m).putInt(k);
                sender.sendBinary(m);
                assertEquals(k, ByteBuffer.wrap(fast.nextMessage().data()).getInt());
            }
        }

        void fastGetsAllInOrder(int n) throws InterruptedException {
            for (int k = 0; k < n; k++) {
                assertEquals(k, ByteBuffer.wrap(fast.nextMessage().data()).getInt());
            }
        }
    }

    private Hub start(Hub.Builder builder) throws Exception {
        Hub hub = builder.build();
        Options options = Options.builder().maxQueuedBytes(LIMIT).closeTimeout(Duration.ofSeconds(1)).build();
        listener = WebSocketServer.builder()
                .options(options)
                .upgradeHook(hub.upgradeHook(null))
                .handler(hub.relay())
                .build()
                .listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).sendBufferSize(8192).build());
        return hub;
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + listener.port() + path);
    }

    private JdkClient client(String path) throws Exception {
        JdkClient c = JdkClient.connect(uri(path));
        open.add(c);
        return c;
    }

    private int refusedStatus(String path) throws Exception {
        try {
            client(path);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
        return fail("upgraded");
    }

    private static void awaitSize(Hub hub, String key, int size) {
        eventually(() -> hub.room(key) != null && hub.room(key).size() == size, key + " has " + size + " members");
    }

    /** Polls what no event announces; the deadline only bounds a failure. */
    private static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** The hub's events as lines, in the order they ran. */
    private static final class Events implements HubListener {
        private final List<String> lines = new ArrayList<>();

        synchronized List<String> list() {
            return List.copyOf(lines);
        }

        @Override
        public synchronized void onRoomCreated(Room room) {
            lines.add("created " + room.key());
        }

        @Override
        public synchronized void onJoin(Room room, WebSocket member, List<WebSocket> others) {
            assertNotNull(member);
            lines.add("join " + room.key() + " others=" + others.size());
        }

        @Override
        public synchronized void onLeave(Room room, WebSocket member, int closeCode) {
            lines.add("leave " + room.key() + " " + closeCode);
        }

        @Override
        public synchronized void onRoomExpired(Room room) {
            lines.add("expired " + room.key());
        }
    }
}
