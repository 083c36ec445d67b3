package dev.shuttle.websocket.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.PrometheusText;
import dev.shuttle.websocket.testing.RawClient;

/**
 * Real traffic from the JDK's client through the built-in listener, then {@code /metrics} over
 * HTTP, parsed by a strict parser and compared with what the test sent and refused.
 */
@Timeout(60)
class ShuttleMetricsTest {
    private static final int TEXT_MESSAGES = 25;
    private static final int TEXT_SIZE = 300;
    private static final int BINARY_MESSAGES = 7;
    private static final int BINARY_SIZE = 1000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Listener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        http.shutdownNow();
    }

    /** Echoes every message, joins the hub on open, refuses {@code ?deny} with 401. */
    private WebSocketServer server(ShuttleMetrics metrics, Hub hub, Options options) {
        return WebSocketServer.builder()
                .metrics(metrics)
                .options(options)
                .upgradeHook((request, attributes) -> {
                    if ("yes".equals(request.queryParameter("deny"))) {
                        throw new UpgradeRejectedException(401, "no token");
                    }
                })
                .onOpen(hub::join)
                .onData((c, isBinary, data) -> {
                    if (isBinary) {
                        c.write(data);
                    } else {
                        c.writeText(data);
                    }
                })
                .build();
    }

    private URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + listener.port() + pathAndQuery);
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals(ShuttleMetrics.PROMETHEUS_CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
        return PrometheusText.parse(r.body());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void metricsEqualTheCountedTraffic() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        Hub hub = Hub.builder().build();
        metrics.register(hub);
        Options options = Options.defaults().toBuilder().pingInterval(Duration.ofMillis(100)).build();
        WebSocketServer server = server(metrics, hub, options);
        listener = server.listen(ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .httpHandler(metrics.httpHandler())
                .build());

        String text = "t".repeat(TEXT_SIZE);
        byte[] binary = new byte[BINARY_SIZE];
        Arrays.fill(binary, (byte) 7);
        try (JdkClient stays = JdkClient.connect(ws("/room?name=a"))) {
            try (JdkClient talker = JdkClient.connect(ws("/room?name=a"))) {
                for (int i = 0; i < TEXT_MESSAGES; i++) {
                    talker.sendText(text);
                    assertEquals(text, talker.nextMessage().text());
                }
                for (int i = 0; i < BINARY_MESSAGES; i++) {
                    talker.sendBinary(binary);
                    assertArrayEquals(binary, talker.nextMessage().data());
                }
                talker.sendClose(4001, "bye");
                assertEquals(4001, talker.awaitClosed().code());
            }
            ExecutionException refused = assertThrows(ExecutionException.class, () -> JdkClient.connect(ws("/room?deny=yes")));
            assertEquals(401, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
            // A version the server does not speak: 426 from the RFC 6455 checks.
            assertEquals(426, RawClient.to(ws("/room")).header("Sec-WebSocket-Version", "8").exchange().status());
            metrics.recordDrop("rate_limit");
            metrics.recordDrop("rate_limit");
            metrics.recordDrop("we\"ird\\reason\nwith a line feed");

            await(() -> metrics.connectionsClosed(4001) == 1 && metrics.openConnections() == 1, "the talker's end");
            await(() -> metrics.rttCount() > 0, "a measured round trip");

            PrometheusText p = scrape();
            assertEquals(2, p.value("shuttle_handshakes_total", "outcome", "accepted", "status", "101"));
            assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "refused", "status", "401"));
            assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "refused", "status", "426"));
            assertEquals(2, p.value("shuttle_connections_opened_total"));
            assertEquals(1, p.value("shuttle_connections_open"));
            assertEquals(TEXT_MESSAGES, p.value("shuttle_messages_received_total", "type", "text"));
            assertEquals((double) TEXT_MESSAGES * TEXT_SIZE, p.value("shuttle_received_bytes_total", "type", "text"));
            assertEquals(BINARY_MESSAGES, p.value("shuttle_messages_received_total", "type", "binary"));
            assertEquals((double) BINARY_MESSAGES * BINARY_SIZE, p.value("shuttle_received_bytes_total", "type", "binary"));
            assertEquals(TEXT_MESSAGES, p.value("shuttle_messages_sent_total", "type", "text"));
            assertEquals((double) TEXT_MESSAGES * TEXT_SIZE, p.value("shuttle_sent_bytes_total", "type", "text"));
            assertEquals(BINARY_MESSAGES, p.value("shuttle_messages_sent_total", "type", "binary"));
            assertEquals((double) BINARY_MESSAGES * BINARY_SIZE, p.value("shuttle_sent_bytes_total", "type", "binary"));
            assertEquals(1, p.value("shuttle_close_frames_received_total", "code", "4001"));
            assertEquals(1, p.value("shuttle_close_frames_sent_total", "code", "4001"));
            assertEquals(1, p.value("shuttle_connections_closed_total", "code", "4001"));
            assertEquals(2, p.value("shuttle_dropped_messages_total", "reason", "rate_limit"));
            assertEquals(1, p.value("shuttle_dropped_messages_total", "reason", "we\"ird\\reason\nwith a line feed"));
            assertEquals(0, p.value("shuttle_dropped_messages_total", "reason", "queue_full"));
            assertEquals(1, p.value("shuttle_hub_rooms", "hub", "default"));
            assertEquals(1, p.value("shuttle_room_members", "hub", "default", "room", "/room?name=a"));
            assertTrue(p.value("shuttle_queued_bytes") >= 0);
            double rtts = p.value("shuttle_rtt_seconds_count");
            assertTrue(rtts >= 1, "rtt count " + rtts);
            assertEquals(rtts, p.value("shuttle_rtt_seconds_bucket", "le", "+Inf"));
            assertTrue(p.value("shuttle_rtt_seconds_sum") > 0);
            assertEquals("histogram", p.family("shuttle_rtt_seconds").type());
            assertEquals(1, p.value("shuttle_ready"));
        }
    }

    @Test
    void healthIsReadyUntilCloseAllStarts() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        WebSocketServer server = server(metrics, Hub.builder().build(),
                Options.defaults().toBuilder().closeTimeout(Duration.ofSeconds(20)).build());
        listener = server.listen(ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .httpHandler(metrics.httpHandler())
                .build());
        try (RawClient silent = RawClient.to(ws("/x")).connect()) {
            await(() -> metrics.openConnections() == 1, "the open connection");
            HttpResponse<String> ready = get("/health");
            assertEquals(200, ready.statusCode());
            assertEquals("application/json", ready.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("{\"status\":\"UP\",\"live\":true,\"ready\":true,\"connections\":1}", ready.body());

            // The raw client never answers the close frame: closeAll waits for it, and meanwhile
            // readiness is already false.
            CompletableFuture<Integer> closing = CompletableFuture.supplyAsync(
                    () -> server.closeAll(CloseCode.GOING_AWAY, "shutdown", Duration.ofSeconds(20)));
            assertEquals(CloseCode.GOING_AWAY, silent.readUntilClose().closeCode());
            HttpResponse<String> notReady = get("/health");
            assertFalse(closing.isDone(), "closeAll still waits for the silent client");
            assertEquals(503, notReady.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"live\":true,\"ready\":false,\"connections\":1}", notReady.body());
            assertEquals(200, get("/health/live").statusCode());
            assertEquals(503, get("/health/ready").statusCode());
            assertEquals(0, PrometheusText.parse(get("/metrics").body()).value("shuttle_ready"));
            silent.sendClose(CloseCode.GOING_AWAY, "");
            assertEquals(0, closing.get(10, TimeUnit.SECONDS));
            silent.expectEof();
        }
        metrics.markReady();
        assertTrue(metrics.health().ready());
    }

    @Test
    void listenerCloseMarksNotReady() throws Exception {
        ShuttleMetrics metrics = new ShuttleMetrics();
        WebSocketServer server = server(metrics, Hub.builder().build(), Options.defaults());
        listener = server.listen(ListenerOptions.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        assertTrue(metrics.health().ready());
        listener.close();
        assertFalse(metrics.health().ready());
        assertEquals(503, metrics.respond("/health").status());
        assertEquals(null, metrics.respond("/other"));
    }

    @Test
    void serverWithoutMetricsServesAsBefore() throws Exception {
        WebSocketServer server = WebSocketServer.builder().onData((c, b, d) -> c.writeText(d)).build();
        assertEquals(null, server.metrics());
        listener = server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (JdkClient c = JdkClient.connect(ws("/"))) {
            c.sendText("hi");
            assertEquals("hi", c.nextMessage().text());
        }
    }
}
