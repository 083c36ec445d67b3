package dev.shuttle.examples.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.bridge.PubSubConfig;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.PrometheusText;

/** The hub command started in-process on port 0, with the JDK's client as the peer. */
@Timeout(60)
class HubCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HubServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HubServer start(Map<String, String> env, String... flags) throws Exception {
        String[] args = new String[flags.length + 4];
        args[0] = "--host";
        args[1] = "127.0.0.1";
        args[2] = "--port";
        args[3] = "0";
        System.arraycopy(flags, 0, args, 4, flags.length);
        server = HubServer.start(HubCommand.parse(env, args), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return server;
    }

    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void broadcastReachesBothClientsAndSelfReplyOnlyTheCaller() throws Exception {
        start(Map.of());
        try (JdkClient a = JdkClient.connect(ws("/ws")); JdkClient b = JdkClient.connect(ws("/ws"))) {
            waitForMembers(2);
            // nbio-websocket's README examples, as sent there.
            assertEquals(JSON.readTree("{\"jsonrpc\":\"2.0\",\"result\":{\"text\":\"Reply only to me!\"},\"id\":2}"),
                    JSON.readTree(a.call("{\"jsonrpc\": \"2.0\", \"method\": \"self.reply\", \"params\": { \"text\": \"Reply only to me!\" }, \"id\": 2}")));
            b.sendText("{\"jsonrpc\": \"2.0\", \"method\": \"broadcast\", \"params\": { \"text\": \"Message to everyone!\" }, \"id\": 1}");
            JsonNode notification = JSON.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":{\"text\":\"Message to everyone!\"}}");
            assertEquals(notification, JSON.readTree(a.nextText()));
            assertEquals(notification, JSON.readTree(b.nextText()));
            assertEquals(JSON.readTree("{\"jsonrpc\":\"2.0\",\"result\":{\"delivered\":2},\"id\":1}"), JSON.readTree(b.nextText()));
            assertNull(a.pending()); // a never saw b's reply, nor b a's self.reply
        }
    }

    /** The README's walkthrough on one instance: a token, broadcast, self.reply, then /health and /metrics. */
    @Test
    void walkthroughThenHealthAndMetrics() throws Exception {
        start(Map.of("WS_AUTH_ENABLED", "true", "WS_BEARER_TOKENS", "token-1", "WS_RATE_LIMIT_ENABLED", "true"));
        assertEquals(401, JdkClient.refusalStatus(ws("/ws")));
        try (JdkClient c = JdkClient.builder(ws("/ws")).header("Authorization", "Bearer token-1").connect()) {
            c.sendText("{\"jsonrpc\": \"2.0\", \"method\": \"broadcast\", \"params\": { \"text\": \"Message to everyone!\" }, \"id\": 1}");
            assertEquals("broadcast", JSON.readTree(c.nextText()).path("method").asText());
            assertEquals(1, JSON.readTree(c.nextText()).path("result").path("delivered").asInt());
            assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"text\":\"Reply only to me!\"},\"id\":2}",
                    c.call("{\"jsonrpc\": \"2.0\", \"method\": \"self.reply\", \"params\": { \"text\": \"Reply only to me!\" }, \"id\": 2}"));
            HttpResponse<String> health = get("/health");
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\",\"live\":true,\"ready\":true,\"connections\":1}", health.body());
        }
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (server.metrics().openConnections() > 0) { // the client aborts its socket on close()
            assertTrue(System.nanoTime() < deadline, "the client's end was not seen");
            Thread.sleep(10);
        }
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        PrometheusText p = PrometheusText.parse(r.body());
        assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "accepted", "status", "101"));
        assertEquals(1, p.value("shuttle_handshakes_total", "outcome", "refused", "status", "401"));
        assertEquals(2, p.value("shuttle_messages_received_total", "type", "text"));
        assertEquals(3, p.value("shuttle_messages_sent_total", "type", "text"), "the broadcast, its result, the self.reply");
        assertEquals(1, p.value("shuttle_connections_closed_total", "code", "1006"));
        assertEquals(0, p.value("shuttle_connections_open"));
        assertEquals(0, p.value("shuttle_hub_members", "hub", "default"));
        assertEquals(1, p.value("shuttle_ready"));
        assertFalse(r.body().contains("token-1"));
        server.close();
        assertFalse(server.metrics().health().ready(), "readiness false once the shutdown began");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyWsIsServed() throws Exception {
        start(Map.of());
        assertEquals(404, JdkClient.refusalStatus(ws("/other")));
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ws")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, page.statusCode());
    }

    @Test
    void bearerTokensFromTheEnvironment() throws Exception {
        start(Map.of("WS_AUTH_ENABLED", "true", "WS_BEARER_TOKENS", "first-token, second-token"));
        assertEquals(401, JdkClient.refusalStatus(ws("/ws")));
        assertEquals(401, JdkClient.builder(ws("/ws")).header("Authorization", "Bearer wrong-token").refusalStatus());
        try (JdkClient c = JdkClient.builder(ws("/ws")).header("Authorization", "Bearer second-token").connect()) {
            assertEquals("{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":1}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"self.reply\",\"params\":[1],\"id\":1}"));
        }
    }

    @Test
    void rateLimitAnswersWithMinus32000() throws Exception {
        start(Map.of("WS_RATE_LIMIT_ENABLED", "1"), "--rate-limit-messages", "0.001", "--rate-limit-burst", "1");
        try (JdkClient c = JdkClient.connect(ws("/ws"))) {
            assertEquals("{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":1}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"self.reply\",\"params\":[1],\"id\":1}"));
            JsonNode refused = JSON.readTree(c.call("{\"jsonrpc\":\"2.0\",\"method\":\"self.reply\",\"params\":[2],\"id\":2}"));
            assertEquals(-32000, refused.path("error").path("code").asInt(), refused.toString());
            assertEquals(2, refused.path("id").asInt());
        }
    }

    @Test
    void shutdownSends1001() throws Exception {
        start(Map.of());
        try (JdkClient c = JdkClient.connect(ws("/ws"))) {
            waitForMembers(1);
            server.close();
            assertEquals(CloseCode.GOING_AWAY, c.closeCode());
            assertTrue(server.shuttingDown());
        }
    }

    @Test
    void flagsOverrideTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("WS_PORT", "9001", "WS_AUTH_ENABLED", "TRUE", "WS_BEARER_TOKENS", "abc",
                "WS_PUBSUB_ADAPTER", "redis", "WS_REDIS_URL", "redis://:hunter2@cache:6379/1", "WS_PUBSUB_CHANNEL", "chan");
        HubSettings fromEnv = HubCommand.parse(env);
        assertEquals("localhost", fromEnv.host());
        assertEquals(9001, fromEnv.port());
        assertTrue(fromEnv.authEnabled());
        assertEquals(List.of("abc"), fromEnv.bearerTokens());
        assertEquals("redis", fromEnv.pubSubAdapter());
        assertEquals("chan", fromEnv.pubSubChannel());
        assertFalse(fromEnv.pubSubEnabled());
        assertFalse(fromEnv.toString().contains("abc"), fromEnv.toString());
        assertFalse(fromEnv.toString().contains("hunter2"), fromEnv.toString());

        HubSettings flags = HubCommand.parse(env, "--port", "7000", "--auth-enabled=false", "--pubsub-channel", "other");
        assertEquals(7000, flags.port());
        assertFalse(flags.authEnabled());
        assertEquals("other", flags.pubSubChannel());
        assertEquals(8080, HubCommand.parse(Map.of()).port());
        assertEquals(PubSubConfig.Adapter.LOCAL, flags.pubSub().adapter(), "the adapter alone does not turn pub/sub on");
        assertEquals(0, flags.history());

        HubSettings on = HubCommand.parse(Map.of("WS_PUBSUB_ENABLED", "1", "WS_PUBSUB_ADAPTER", "nats", "WS_NATS_URL", "nats://10.0.0.1:4333",
                "WS_HISTORY_SIZE", "500", "WS_HISTORY_MAX_AGE_SECONDS", "30"));
        assertEquals(new PubSubConfig(PubSubConfig.Adapter.NATS, "nats://10.0.0.1:4333", HubSettings.DEFAULT_CHANNEL), on.pubSub());
        assertEquals(500, on.history());
        assertEquals(Duration.ofSeconds(30), on.historyMaxAge());

        HubSettings url = HubCommand.parse(env, "--pubsub", "redis://127.0.0.1:6380/2", "--history", "7");
        assertEquals(new PubSubConfig(PubSubConfig.Adapter.REDIS, "redis://127.0.0.1:6380/2", "chan"), url.pubSub(),
                "--pubsub wins over WS_REDIS_URL and turns pub/sub on");
        assertEquals(7, url.history());
        assertEquals(HubSettings.DEFAULT_HISTORY_MAX_AGE, url.historyMaxAge());
        assertEquals(PubSubConfig.Adapter.LOCAL, HubCommand.parse(Map.of("WS_PUBSUB_ENABLED", "true"), "--pubsub", "local").pubSub().adapter());
    }

    @Test
    void settingsThatCannotBeHonouredAreRefused() {
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of(), "--pubsub", "kafka://broker:9092"));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of(), "--pubsub", "redis:nohost"));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of(), "--history", "-1"));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_HISTORY_SIZE", "many")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of(), "--history-max-age-seconds", "0"));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_PUBSUB_ADAPTER", "kafka")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_AUTH_ENABLED", "yes please")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_AUTH_ENABLED", "true")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_PORT", "http")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of("WS_PORT", "70000")));
        assertThrows(HubSettings.BadSettingException.class, () -> HubCommand.parse(Map.of(), "--rate-limit-messages", "0"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = assertDoesNotThrowRun(err, "--pubsub", "kafka://broker:9092");
        assertEquals(HubCommand.EXIT_USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--pubsub takes nats://, redis:// or local"), err.toString(StandardCharsets.UTF_8));
    }

    private static int assertDoesNotThrowRun(ByteArrayOutputStream err, String... args) {
        try {
            return HubCommand.run(args, Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void waitForMembers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (server.hub().room(HubServer.ROOM) == null || server.hub().room(HubServer.ROOM).size() < n) {
            assertTrue(System.nanoTime() < deadline, "members did not join");
            Thread.sleep(10);
        }
    }
}
