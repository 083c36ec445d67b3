package dev.shuttle.websocket.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * Room history and recovery over the built-in listener, with the JDK's WebSocket client as the
 * reconnecting peer. Every delivered message is rendered as {@code EPOCH:OFFSET|body}, so the
 * client sees positions and a test can check offsets for gaps and duplicates.
 */
@Timeout(60)
class HistoryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PositionRenderer WITH_POSITION =
            (key, position, body) -> PreparedMessage.text(position + "|" + new String(body.payload(), StandardCharsets.UTF_8));

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> recoveries = new CopyOnWriteArrayList<>();
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

    // ---------------------------------------------------------------- positions

    @Test
    void positionsIncreaseByOnePerRoomAndAreInsideTheMessages() throws Exception {
        Hub hub = start(HistoryStore.inMemory(100, Duration.ofMinutes(1), 16));
        Peer a = connect("/a");
        Peer b = connect("/b");
        awaitSize(hub, "/a", 1);
        awaitSize(hub, "/b", 1);
        for (int i = 0; i < 3; i++) {
            hub.publish("/a", PreparedMessage.text("a" + i));
        }
        hub.publish("/b", PreparedMessage.text("b0"));
        List<Seen> inA = List.of(a.next(), a.next(), a.next());
        Seen inB = b.next();
        assertEquals(List.of(1L, 2L, 3L), inA.stream().map(s -> s.position.offset()).toList());
        assertEquals(List.of("a0", "a1", "a2"), inA.stream().map(s -> s.body).toList());
        assertEquals(1, inA.stream().map(s -> s.position.epoch()).distinct().count(), "one epoch per room");
        assertEquals(1L, inB.position.offset(), "offsets count per room");
        assertNotEquals(inA.get(0).position.epoch(), inB.position.epoch(), "each room history has its own epoch");
        assertEquals(inA.get(2).position, hub.history().head("/a"));

        a.send("from the client"); // relay() publishes it too, to the others (none here) and the history
        eventually(() -> hub.history().head("/a").offset() == 4, "the client's message has offset 4");
    }

    // ---------------------------------------------------------------- recovery

    @Test
    void reconnectGetsExactlyTheMissedMessagesThenLiveOnesWhilePublishingGoesOn() throws Exception {
        Hub hub = start(HistoryStore.inMemory(100_000, Duration.ofMinutes(5), 16));
        Peer first = connect("/live");
        awaitSize(hub, "/live", 1);
        AtomicLong published = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        int total = 6000;
        Thread publisher = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= total && !stop.get(); i++) {
                hub.publish("/live", PreparedMessage.text("n" + i));
                published.set(i);
                if (i % 8 == 0) {
                    LockSupport.parkNanos(100_000); // spread the run over the reconnect
                }
            }
        });
        try {
            Seen last = null;
            for (int i = 0; i < 200; i++) {
                last = first.next();
            }
            first.close(); // vanishes without a close frame
            awaitSize(hub, "/live", 0);
            long missedFrom = last.position.offset() + 1;
            eventually(() -> published.get() > missedFrom + 500, "messages published while it was away");

            Peer again = connect("/live?since=" + encode(last.position.toString()));
            long expected = missedFrom;
            while (expected <= total) {
                Seen s = again.next();
                assertEquals(last.position.epoch(), s.position.epoch());
                assertEquals(expected, s.position.offset(), "no gap and no duplicate at offset " + expected);
                assertEquals("n" + expected, s.body);
                expected++;
            }
            publisher.join(WAIT.toMillis());
            assertTrue(recoveries.size() == 1 && recoveries.get(0).startsWith("recovered " + last.position + " "),
                    recoveries.toString());
            long replayed = Long.parseLong(recoveries.get(0).substring(recoveries.get(0).lastIndexOf(' ') + 1));
            assertTrue(replayed >= 500, "replayed " + replayed + " from the history");
            hub.publish("/live", PreparedMessage.text("after"));
            assertEquals(new Seen(new Position(last.position.epoch(), total + 1), "after"), again.next());
            assertTrue(again.quiet(), "nothing more: no duplicate");
        } finally {
            stop.set(true);
            publisher.join(WAIT.toMillis());
        }
    }

    @Test
    void theHeaderCarriesThePositionToo() throws Exception {
        Hub hub = start(HistoryStore.inMemory(100, Duration.ofMinutes(1), 16));
        Peer first = connect("/h");
        awaitSize(hub, "/h", 1);
        hub.publish("/h", PreparedMessage.text("one"));
        Seen one = first.next();
        first.close();
        awaitSize(hub, "/h", 0);
        hub.publish("/h", PreparedMessage.text("two"));
        Peer again = Peer.connect(uri("/h"), Hub.SINCE_HEADER, one.position.toString());
        open.add(again);
        assertEquals(new Seen(one.position.next(), "two"), again.next());
    }

    @Test
    void aPositionOlderThanTheHistoryGetsTheFailureNoticeFirstThenLiveOnes() throws Exception {
        Hub hub = start(HistoryStore.inMemory(5, Duration.ofMinutes(1), 16));
        Peer first = connect("/old");
        awaitSize(hub, "/old", 1);
        hub.publish("/old", PreparedMessage.text("x"));
        Position p1 = first.next().position;
        first.close();
        awaitSize(hub, "/old", 0);
        for (int i = 0; i < 20; i++) {
            hub.publish("/old", PreparedMessage.text("missed"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                hub.publish("/old", PreparedMessage.text("live"));
                LockSupport.parkNanos(200_000);
            }
        });
        try {
            Peer again = connect("/old?since=" + p1);
            assertEquals("recovery.failed TOO_OLD since=" + p1 + " current=" + p1.epoch(), again.nextRaw().replaceAll(":\\d+$", ""),
                    "the application's notice is the first message");
            Seen live = again.next();
            assertEquals("live", live.body);
            assertTrue(live.position.offset() > 21, "live traffic only, from after the join: " + live.position);
            Seen next = again.next();
            assertEquals(live.position.offset() + 1, next.position.offset(), "live ones without a gap");
        } finally {
            stop.set(true);
            publisher.join(WAIT.toMillis());
        }
    }

    @Test
    void anotherEpochAFuturePositionAndGarbageAreFailuresToo() throws Exception {
        Hub hub = start(HistoryStore.inMemory(5, Duration.ofMinutes(1), 16));
        Peer first = connect("/e");
        awaitSize(hub, "/e", 1);
        hub.publish("/e", PreparedMessage.text("x"));
        Position p = first.next().position;

        Peer lost = connect("/e?since=restarted-1:1");
        assertTrue(lost.nextRaw().startsWith("recovery.failed EPOCH_CHANGED since=restarted-1:1 current=" + p), "another epoch");
        Peer future = connect("/e?since=" + p.epoch() + ":99");
        assertTrue(future.nextRaw().startsWith("recovery.failed UNKNOWN_POSITION"), "beyond the last message");
        Peer garbage = connect("/e?since=" + encode("no position"));
        assertTrue(garbage.nextRaw().startsWith("recovery.failed MALFORMED since=null"), "not EPOCH:OFFSET");
        awaitSize(hub, "/e", 4);

        hub.publish("/e", PreparedMessage.text("y"));
        for (Peer peer : List.of(first, lost, future, garbage)) {
            assertEquals(new Seen(p.next(), "y"), peer.next(), "everyone is live after the notice");
        }
        Peer upToDate = connect("/e?since=" + p.next());
        awaitSize(hub, "/e", 5);
        hub.publish("/e", PreparedMessage.text("z"));
        assertEquals("z", upToDate.next().body, "nothing replayed, nothing failed: straight to live");
    }

    // ---------------------------------------------------------------- limits

    @Test
    void theStoreKeepsAtMostMaxCountAndNothingOlderThanMaxAge() {
        AtomicLong now = new AtomicLong();
        InMemoryHistory store = new InMemoryHistory(5, Duration.ofSeconds(10), 2, now::get);
        Hub hub = Hub.builder().history(store).build();
        for (int i = 1; i <= 20; i++) {
            hub.publish("/k", PreparedMessage.text("m" + i)); // no member: still recorded
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }
        Position head = store.head("/k");
        assertEquals(20, head.offset());
        String epoch = head.epoch();
        assertGap(HistoryRead.Reason.TOO_OLD, store.read("/k", new Position(epoch, 14), 100));
        List<HistoryEntry> kept = entries(store.read("/k", new Position(epoch, 15), 100));
        assertEquals(List.of(16L, 17L, 18L, 19L, 20L), kept.stream().map(e -> e.position().offset()).toList());
        assertEquals(List.of(16L, 17L), entries(store.read("/k", new Position(epoch, 15), 2)).stream().map(e -> e.position().offset()).toList());
        assertSame(kept.get(0).message(), entries(store.read("/k", new Position(epoch, 15), 1)).get(0).message(),
                "a replay queues the kept message itself, not a copy");

        // m16 was published at t=15s, m20 at t=19s; at t=27s only m18..m20 are younger than 10 s.
        now.set(TimeUnit.SECONDS.toNanos(27));
        assertGap(HistoryRead.Reason.TOO_OLD, store.read("/k", new Position(epoch, 16), 100));
        assertEquals(List.of(18L, 19L, 20L), entries(store.read("/k", new Position(epoch, 17), 100)).stream()
                .map(e -> e.position().offset()).toList());
        now.set(TimeUnit.SECONDS.toNanos(60));
        assertGap(HistoryRead.Reason.TOO_OLD, store.read("/k", new Position(epoch, 19), 100));
        assertEquals(List.of(), entries(store.read("/k", head, 100)), "up to date: nothing missed, nothing kept");
    }

    @Test
    void theStoreKeepsTheHistoriesOfAtMostMaxRoomsAndAnEvictedOneStartsANewEpoch() {
        InMemoryHistory store = new InMemoryHistory(5, Duration.ofMinutes(1), 2, System::nanoTime);
        Hub hub = Hub.builder().history(store).build();
        hub.publish("/1", PreparedMessage.text("a"));
        Position old = store.head("/1");
        hub.publish("/2", PreparedMessage.text("b"));
        hub.publish("/3", PreparedMessage.text("c")); // evicts /1, the least recently published
        assertEquals(2, store.roomCount());
        assertGap(HistoryRead.Reason.EPOCH_CHANGED, store.read("/1", old, 10));
        hub.publish("/1", PreparedMessage.text("again"));
        Position fresh = store.head("/1");
        assertNotEquals(old.epoch(), fresh.epoch(), "offsets restart at 1 only under a new epoch");
        assertEquals(1, fresh.offset());
        assertGap(HistoryRead.Reason.EPOCH_CHANGED, store.read("/1", old, 10));
    }

    @Test
    void withoutHistoryThereAreNoPositionsAndSinceIsIgnored() throws Exception {
        Hub hub = Hub.builder().build();
        listener = server(hub);
        assertNull(hub.history());
        Peer plain = connect("/p");
        awaitSize(hub, "/p", 1);
        PreparedMessage m = PreparedMessage.text("as published");
        assertEquals(1, hub.publish("/p", m));
        assertEquals("as published", plain.nextRaw(), "delivered unchanged: no position");
        Peer withSince = connect("/p?since=e:1");
        eventually(() -> hub.room("/p?since=e:1") != null, "without history the query stays part of the key, as wsbroad");
        hub.join("/p", hub.room("/p?since=e:1").members().get(0), new Position("e", 1));
        assertEquals(0, hub.room("/p").recovering.length);
        hub.publish("/p", PreparedMessage.text("live"));
        assertEquals("live", withSince.nextRaw(), "no replay, no notice");
        assertTrue(recoveries.isEmpty());
    }

    // ---------------------------------------------------------------- parsing

    @Test
    void positionsParseStrictly() {
        assertEquals(new Position("ab-C_9.x", 42), Position.parse("ab-C_9.x:42"));
        assertEquals("e:0", new Position("e", 0).toString());
        assertEquals(Long.MAX_VALUE, Position.parse("e:" + Long.MAX_VALUE).offset());
        for (String bad : List.of("", ":1", "e:", "e", "e:-1", "e:1x", "e f:1", "e:99999999999999999999",
                "e:9223372036854775808", "x".repeat(Position.MAX_EPOCH_LENGTH + 1) + ":1", "é:1")) {
            try {
                Position.parse(bad);
                fail("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
        assertEquals("/r?x=2", Hub.pathAndQueryWithoutSince(request("/r", "since=a:1&x=2")));
        assertEquals("/r", Hub.pathAndQueryWithoutSince(request("/r", "since=a:1")));
        assertEquals("/r?sincere=1", Hub.pathAndQueryWithoutSince(request("/r", "sincere=1")));
    }

    // ---------------------------------------------------------------- helpers

    private Hub start(HistoryStore store) throws Exception {
        Hub hub = Hub.builder()
                .history(store)
                .renderer(WITH_POSITION)
                .recoveryListener(new RecoveryListener() {
                    @Override
                    public void onRecoveryFailed(Room room, WebSocket member, HistoryRead.Gap gap) {
                        member.write("recovery.failed " + gap.reason() + " since=" + gap.since() + " current=" + gap.current());
                    }

                    @Override
                    public void onRecovered(Room room, WebSocket member, Position since, long replayed) {
                        recoveries.add("recovered " + since + " " + replayed);
                    }
                })
                .build();
        listener = server(hub);
        return hub;
    }

    private static Listener server(Hub hub) throws Exception {
        Options options = Options.builder().maxQueuedBytes(64 * 1024).closeTimeout(Duration.ofSeconds(1)).build();
        return WebSocketServer.builder()
                .options(options)
                .upgradeHook(hub.upgradeHook(null))
                .handler(hub.relay())
                .build()
                .listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + listener.port() + pathAndQuery);
    }

    private Peer connect(String pathAndQuery) throws Exception {
        Peer p = Peer.connect(uri(pathAndQuery), null, null);
        open.add(p);
        return p;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<HistoryEntry> entries(HistoryRead read) {
        return assertInstanceOf(HistoryRead.Entries.class, read).entries();
    }

    private static void assertGap(HistoryRead.Reason reason, HistoryRead read) {
        assertEquals(reason, assertInstanceOf(HistoryRead.Gap.class, read).reason());
    }

    private static void awaitSize(Hub hub, String key, int size) {
        eventually(() -> (hub.room(key) == null ? 0 : hub.room(key).size()) == size, key + " has " + size + " members");
    }

    private static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private static dev.shuttle.websocket.HandshakeRequest request(String path, String query) {
        return new dev.shuttle.websocket.HandshakeRequest() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String query() {
                return query;
            }

            @Override
            public List<String> headers(String name) {
                return List.of();
            }

            @Override
            public List<String> headerNames() {
                return List.of();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return new InetSocketAddress("127.0.0.1", 1);
            }
        };
    }

    /** What a client saw: the position and the body of a rendered message. */
    private record Seen(Position position, String body) {
    }

    /** The JDK's WebSocket client, collecting whole text messages. */
    private static final class Peer implements AutoCloseable, java.net.http.WebSocket.Listener {
        private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private HttpClient http;
        private java.net.http.WebSocket ws;

        static Peer connect(URI uri, String header, String value) throws Exception {
            Peer p = new Peer();
            p.http = HttpClient.newHttpClient();
            java.net.http.WebSocket.Builder b = p.http.newWebSocketBuilder().connectTimeout(WAIT);
            if (header != null) {
                b.header(header, value);
            }
            p.ws = b.buildAsync(uri, p).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return p;
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        String nextRaw() throws InterruptedException {
            String s = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                fail("no message within " + WAIT);
            }
            return s;
        }

        Seen next() throws InterruptedException {
            String s = nextRaw();
            int bar = s.indexOf('|');
            if (bar < 0) {
                fail("not a positioned message: " + s);
            }
            return new Seen(Position.parse(s.substring(0, bar)), s.substring(bar + 1));
        }

        boolean quiet() throws InterruptedException {
            return texts.poll(200, TimeUnit.MILLISECONDS) == null;
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            ws.abort();
            http.shutdownNow();
        }
    }
}
