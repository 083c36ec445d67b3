package dev.shuttle.websocket.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.testing.RecordingHandler;

/** Per-address limits with the JDK client on the built-in listener: 429/503 at the upgrade, release on close, the bounded table. */
@Timeout(60)
class AddressLimitsTest {
    private static final String LOCAL = "127.0.0.1";

    private final HttpClient http = HttpClient.newHttpClient();
    private final RecordingHandler server = new RecordingHandler();
    private final List<WebSocket> open = new ArrayList<>();
    private Listener listener;
    private URI uri;

    @AfterEach
    void stop() {
        open.forEach(WebSocket::abort);
        http.shutdownNow();
        if (listener != null) {
            listener.close();
        }
    }

    private void start(AddressLimits limits) throws Exception {
        start(limits, limits);
    }

    private void start(AddressLimits limits, UpgradeHook hook) throws Exception {
        listener = WebSocketServer.builder().upgradeHook(hook).handler(limits.wrap(server)).build()
                .listen(new InetSocketAddress(LOCAL, 0));
        uri = URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    /** A closed-by-server record of one JDK client. */
    private static final class Client implements WebSocket.Listener {
        final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
        final CompletableFuture<String> closeReason = new CompletableFuture<>();

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closeCode.complete(new int[] {code});
            closeReason.complete(reason);
            return null;
        }
    }

    private CompletableFuture<WebSocket> connectAsync(Map<String, String> headers, Client listener) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(10));
        headers.forEach(b::header);
        return b.buildAsync(uri, listener);
    }

    private WebSocket connect(Map<String, String> headers) throws Exception {
        WebSocket ws = connectAsync(headers, new Client()).get(10, TimeUnit.SECONDS);
        open.add(ws);
        return ws;
    }

    private WebSocket connect() throws Exception {
        return connect(Map.of());
    }

    /** The refusal's status and Retry-After, or a failed test when the upgrade was accepted. */
    private record Refusal(int status, String retryAfter) {
    }

    private Refusal refused(Map<String, String> headers) throws Exception {
        try {
            WebSocket ws = connectAsync(headers, new Client()).get(10, TimeUnit.SECONDS);
            open.add(ws);
            throw new AssertionError("the upgrade was accepted");
        } catch (ExecutionException e) {
            WebSocketHandshakeException h = (WebSocketHandshakeException) e.getCause();
            return new Refusal(h.getResponse().statusCode(), h.getResponse().headers().firstValue("Retry-After").orElse(null));
        }
    }

    private Refusal refused() throws Exception {
        return refused(Map.of());
    }

    private void closeAndAwaitRelease(WebSocket ws, AddressLimits limits, String key, int expectedOpen) throws Exception {
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        open.remove(ws);
        Await.until(() -> limits.openConnections(key) == expectedOpen, "open count back to " + expectedOpen);
    }

    @Test
    void concurrentConnectionsAreCappedAndReleasedOnClose() throws Exception {
        AddressLimits limits = AddressLimits.builder().maxConnections(2).build();
        start(limits);
        WebSocket first = connect();
        connect();
        Await.until(() -> limits.openConnections(LOCAL) == 2, "two counted");

        Refusal r = refused();
        assertEquals(429, r.status());
        assertEquals("1", r.retryAfter());
        assertEquals(1, limits.refusedConnections());

        closeAndAwaitRelease(first, limits, LOCAL, 1);
        connect();
        Await.until(() -> limits.openConnections(LOCAL) == 2, "the freed place is taken");
        assertEquals(1, limits.trackedAddresses());

        for (WebSocket ws : List.copyOf(open)) {
            closeAndAwaitRelease(ws, limits, LOCAL, limits.openConnections(LOCAL) - 1);
        }
        Await.until(() -> limits.trackedAddresses() == 0, "no entry is kept for an address without connections");
    }

    @Test
    void newConnectionsPerSecondAreCappedAndClosingDoesNotRefund() throws Exception {
        AddressLimits limits = AddressLimits.builder().maxNewPerSecond(0.001).burst(2).build();
        start(limits);
        WebSocket a = connect();
        connect();
        Refusal r = refused();
        assertEquals(429, r.status());
        assertTrue(Long.parseLong(r.retryAfter()) > 100, "Retry-After says when a token is back: " + r.retryAfter());
        assertEquals(1, limits.refusedRate());
        assertEquals(0, limits.refusedConnections());

        closeAndAwaitRelease(a, limits, LOCAL, 1);
        assertEquals(429, refused().status(), "a rate is not refunded by a close");
    }

    @Test
    void theNewConnectionBucketRefillsFromTheClock() throws Exception {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        AddressLimits limits = AddressLimits.builder().maxNewPerSecond(2).burst(1).clock(now::get).build();
        start(limits);
        connect();
        Refusal r = refused();
        assertEquals("1", r.retryAfter());
        now.addAndGet(500_000_000L); // half a second at 2/s: one token
        connect();
        assertEquals(429, refused().status());
    }

    @Test
    void aConnectionThatLosesTheRaceForTheLastPlaceIsClosedWith1013() throws Exception {
        AddressLimits limits = AddressLimits.builder().maxConnections(1).build();
        // Both upgrades pass the address check before either opens: the race, made certain.
        CountDownLatch bothChecked = new CountDownLatch(2);
        start(limits, limits.then((request, attributes) -> {
            bothChecked.countDown();
            try {
                if (!bothChecked.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the second upgrade did not come");
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }));
        Client one = new Client();
        Client two = new Client();
        CompletableFuture<WebSocket> f1 = connectAsync(Map.of(), one);
        CompletableFuture<WebSocket> f2 = connectAsync(Map.of(), two);
        open.add(f1.get(10, TimeUnit.SECONDS));
        open.add(f2.get(10, TimeUnit.SECONDS));

        CompletableFuture<Object> firstClose = CompletableFuture.anyOf(one.closeCode, two.closeCode);
        assertEquals(1013, ((int[]) firstClose.get(10, TimeUnit.SECONDS))[0]);
        Client loser = one.closeCode.isDone() ? one : two;
        assertEquals(AddressLimits.CLOSE_REASON, loser.closeReason.get(10, TimeUnit.SECONDS));
        assertEquals(1, limits.closedOverLimit());
        assertEquals(1, limits.openConnections(LOCAL), "the loser was never counted, the winner still is");
        assertEquals(List.of("open"), List.copyOf(server.events),
                "the application sees only the winner, and no onClose of the loser");
        open.forEach(ws -> ws.sendClose(1000, ""));
        Await.until(() -> server.closeCount.get() == 1, "the winner's onClose ran");
        Await.until(() -> limits.openConnections(LOCAL) == 0, "the winner released its place");
        assertEquals(0, limits.trackedAddresses());
    }

    @Test
    void theTableOfAddressesIsBounded() throws Exception {
        // Behind a proxy the key comes from a header, which a client can set to anything.
        AddressLimits limits = AddressLimits.builder().maxConnections(5).maxTrackedAddresses(2)
                .addressKey(r -> r.header("X-Client") == null ? "none" : r.header("X-Client")).build();
        start(limits);
        WebSocket a = connect(Map.of("X-Client", "a"));
        connect(Map.of("X-Client", "b"));
        Await.until(() -> limits.trackedAddresses() == 2, "two addresses");
        for (int i = 0; i < 20; i++) {
            Refusal r = refused(Map.of("X-Client", "spoofed-" + i));
            assertEquals(503, r.status());
            assertEquals("1", r.retryAfter());
        }
        assertEquals(20, limits.refusedTableFull());
        assertEquals(2, limits.trackedAddresses(), "a flood of new keys does not grow the table");
        connect(Map.of("X-Client", "a")); // known keys still pass

        closeAndAwaitRelease(a, limits, "a", 1);
        closeAndAwaitRelease(open.get(open.size() - 1), limits, "a", 0);
        Await.until(() -> limits.trackedAddresses() == 1, "a's entry is gone");
        connect(Map.of("X-Client", "c"));
        assertNotNull(server.connection());
    }

    @Test
    void idleEntriesAreSweptWhenTheTableIsFull() throws Exception {
        AtomicLong now = new AtomicLong(0);
        AddressLimits limits = AddressLimits.builder().maxNewPerSecond(1).burst(1).maxTrackedAddresses(1)
                .addressKey(r -> r.header("X-Client")).clock(now::get).build();
        start(limits);
        WebSocket a = connect(Map.of("X-Client", "a"));
        closeAndAwaitRelease(a, limits, "a", 0);
        assertEquals(1, limits.trackedAddresses(), "a's bucket is still refilling");
        assertEquals(503, refused(Map.of("X-Client", "b")).status());
        now.addAndGet(2_000_000_000L); // a's bucket is full again; a sweep is due
        connect(Map.of("X-Client", "b"));
        Await.until(() -> limits.openConnections("b") == 1, "b counted");
    }

    @Test
    void ipv6AddressesAreGroupedByTheirPrefix() {
        AddressLimits limits = AddressLimits.builder().maxConnections(1).build();
        String k1 = limits.keyOf(new InetSocketAddress("2001:db8:1:2::1", 1));
        assertEquals(k1, limits.keyOf(new InetSocketAddress("2001:db8:1:2:ffff:ffff:ffff:ffff", 2)));
        assertNotEquals(k1, limits.keyOf(new InetSocketAddress("2001:db8:1:3::1", 1)));
        assertEquals("2001:db8:1:2:0:0:0:0/64", k1);
        assertEquals("10.0.0.1", limits.keyOf(new InetSocketAddress("10.0.0.1", 1)));
        AddressLimits each = AddressLimits.builder().maxConnections(1).ipv6PrefixLength(128).build();
        assertNotEquals(each.keyOf(new InetSocketAddress("2001:db8::1", 1)), each.keyOf(new InetSocketAddress("2001:db8::2", 1)));
    }

    @Test
    void configurationErrors() {
        assertThrows(IllegalStateException.class, () -> AddressLimits.builder().build());
        assertThrows(IllegalArgumentException.class, () -> AddressLimits.builder().maxConnections(-1));
        assertThrows(IllegalArgumentException.class, () -> AddressLimits.builder().burst(0.5));
        assertThrows(IllegalArgumentException.class, () -> AddressLimits.builder().maxTrackedAddresses(0));
        assertThrows(IllegalArgumentException.class, () -> AddressLimits.builder().ipv6PrefixLength(0));
    }
}
