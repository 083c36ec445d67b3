package dev.shuttle.websocket.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RecordingHandler;

/**
 * Per-connection rate limits with the JDK client on the built-in listener. Rates are tiny (one
 * message per thousand seconds) so that only the burst counts and nothing depends on timing;
 * the refill itself is tested on a clock of the test's own.
 */
@Timeout(30)
class RateLimitTest {
    private static final double NEVER = 0.001; // one token per 1000 s: no refill within a test

    private Listener listener;
    private JdkClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private JdkClient start(WebSocketHandler handler) throws Exception {
        listener = WebSocketServer.builder().handler(handler).build().listen(new InetSocketAddress("127.0.0.1", 0));
        client = JdkClient.connect(URI.create("ws://127.0.0.1:" + listener.port() + "/"));
        return client;
    }

    private void assertNoMoreMessages() throws InterruptedException {
        assertNull(client.messages.poll(200, TimeUnit.MILLISECONDS), "no further message");
    }

    @Test
    void dropDeliversTheBurstAndCountsTheRest() throws Exception {
        RateLimit limit = RateLimit.builder().messagesPerSecond(NEVER).burst(3).onExceeded(RateLimit.Action.DROP).build();
        start(limit.wrap(RecordingHandler.echo()));
        for (int i = 0; i < 10; i++) {
            client.sendText("m" + i);
        }
        Await.until(() -> limit.dropped() == 7, "7 dropped, was " + limit.dropped());
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, client.nextMessage().text());
        }
        assertNoMoreMessages();
        assertFalse(client.closed.isDone(), "DROP keeps the connection open");
        assertEquals(0, limit.errors());
        assertEquals(0, limit.closed());
    }

    @Test
    void bytesPerSecondCountsMessageSizes() throws Exception {
        RateLimit limit = RateLimit.builder().bytesPerSecond(NEVER).byteBurst(10).build();
        start(limit.wrap(RecordingHandler.echo()));
        client.sendText("12345");   // 5 of 10
        client.sendText("123456");  // 6 > 5 left: dropped, nothing taken
        client.sendText("1234");    // 4 of 5 left
        client.sendText("12");      // 2 > 1 left
        Await.until(() -> limit.dropped() == 2, "2 dropped, was " + limit.dropped());
        assertEquals("12345", client.nextMessage().text());
        assertEquals("1234", client.nextMessage().text());
        assertNoMoreMessages();
    }

    @Test
    void errorRunsTheCallbackInsteadOfOnData() throws Exception {
        RateLimit limit = RateLimit.builder().messagesPerSecond(NEVER).burst(2)
                .onExceeded((c, isBinary, data) -> c.write("{\"error\":{\"code\":-32000,\"message\":\"rate limited\"},\"for\":\""
                        + new String(data, StandardCharsets.UTF_8) + "\"}"))
                .build();
        assertEquals(RateLimit.Action.ERROR, limit.action());
        start(limit.wrap(RecordingHandler.echo()));
        for (String m : List.of("a", "b", "c", "d")) {
            client.sendText(m);
        }
        assertEquals("a", client.nextMessage().text());
        assertEquals("b", client.nextMessage().text());
        assertEquals("{\"error\":{\"code\":-32000,\"message\":\"rate limited\"},\"for\":\"c\"}", client.nextMessage().text());
        assertTrue(client.nextMessage().text().endsWith("\"for\":\"d\"}"));
        assertEquals(2, limit.errors());
        assertEquals(0, limit.dropped());
        assertFalse(client.closed.isDone());
    }

    @Test
    void closeEndsTheConnectionWith1008() throws Exception {
        RateLimit limit = RateLimit.builder().messagesPerSecond(NEVER).burst(2).onExceeded(RateLimit.Action.CLOSE).build();
        RecordingHandler server = RecordingHandler.echo();
        start(limit.wrap(server));
        for (String m : List.of("a", "b", "c", "d", "e")) {
            client.sendText(m);
        }
        assertEquals("a", client.nextMessage().text());
        assertEquals("b", client.nextMessage().text());
        JdkClient.Closed closed = client.awaitClosed();
        assertEquals(1008, closed.code());
        assertEquals(RateLimit.CLOSE_REASON, closed.reason());
        assertEquals(1008, server.awaitSingleClose().code());
        assertEquals(1, limit.closed(), "counted once per connection");
        assertNoMoreMessages();
    }

    @Test
    void anIdleConnectionHasNoBucketUntilItsFirstMessage() throws Exception {
        RateLimit limit = RateLimit.builder().messagesPerSecond(100).build();
        RecordingHandler server = RecordingHandler.echo();
        start(limit.wrap(server));
        WebSocket c = server.connection();
        assertTrue(c.attributes().keySet().stream().noneMatch(k -> k.startsWith("shuttle.rateLimit")), c.attributes().toString());
        client.sendText("hi");
        assertEquals("hi", client.nextMessage().text());
        assertTrue(c.attributes().keySet().stream().anyMatch(k -> k.startsWith("shuttle.rateLimit")));
    }

    @Test
    void bucketsRefillFromTheClockUpToTheBurst() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RateLimit limit = RateLimit.builder().messagesPerSecond(10).burst(2).bytesPerSecond(100).byteBurst(100)
                .clock(now::get).build();
        Budget b = new Budget(limit, now.get());
        assertTrue(b.tryTake(limit, 10, now.get()));
        assertTrue(b.tryTake(limit, 10, now.get()));
        assertFalse(b.tryTake(limit, 10, now.get()), "burst of 2 spent");
        now.addAndGet(50_000_000L); // 50 ms: half a message
        assertFalse(b.tryTake(limit, 10, now.get()));
        now.addAndGet(50_000_000L); // 100 ms: one message
        assertTrue(b.tryTake(limit, 10, now.get()));
        assertFalse(b.tryTake(limit, 10, now.get()));
        now.addAndGet(3_600_000_000_000L); // an hour: back to the burst, not more
        assertTrue(b.tryTake(limit, 10, now.get()));
        assertTrue(b.tryTake(limit, 10, now.get()));
        assertFalse(b.tryTake(limit, 10, now.get()));
        now.addAndGet(10_000_000_000L);
        assertFalse(b.tryTake(limit, 101, now.get()), "larger than the byte burst: never fits");
        assertTrue(b.tryTake(limit, 100, now.get()));
        assertFalse(b.tryTake(limit, 1, now.get()), "bytes spent although a message token is left");
    }

    @Test
    void configurationErrors() {
        assertThrows(IllegalStateException.class, () -> RateLimit.builder().build());
        assertThrows(IllegalStateException.class,
                () -> RateLimit.builder().messagesPerSecond(1).onExceeded(RateLimit.Action.ERROR).build());
        assertThrows(IllegalArgumentException.class, () -> RateLimit.builder().messagesPerSecond(-1));
        assertThrows(IllegalArgumentException.class, () -> RateLimit.builder().burst(0));
        assertThrows(IllegalArgumentException.class, () -> RateLimit.builder().bytesPerSecond(Double.NaN));
    }
}
