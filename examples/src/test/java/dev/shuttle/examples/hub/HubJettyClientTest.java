package dev.shuttle.examples.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The hub command with Jetty's WebSocket client, authenticating as a browser must: the token in a
 * {@code bearer.<token>} subprotocol offered beside {@code jsonrpc}, which is the one selected.
 */
@Timeout(60)
class HubJettyClientTest {
    private final WebSocketClient jetty = new WebSocketClient();
    private HubServer server;

    @BeforeEach
    void start() throws Exception {
        jetty.start();
        server = HubServer.start(HubCommand.parse(Map.of("WS_AUTH_ENABLED", "true", "WS_BEARER_TOKENS", "tok-A1"),
                        "--host", "127.0.0.1", "--port", "0"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        jetty.stop();
    }

    /** Collects each text message. */
    public static final class Collector implements Session.Listener.AutoDemanding {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onWebSocketText(String message) {
            texts.add(message);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            closed.complete(statusCode);
            callback.succeed();
        }

        String next() throws InterruptedException {
            String m = texts.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message");
            return m;
        }
    }

    private Session connect(Collector collector, String... subprotocols) throws Exception {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setSubProtocols(subprotocols);
        return jetty.connect(collector, URI.create("ws://127.0.0.1:" + server.port() + "/ws"), request).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSubprotocolCarrierAuthenticatesAndJsonrpcIsSelected() throws Exception {
        Collector a = new Collector();
        Collector b = new Collector();
        Session sa = connect(a, "jsonrpc", "bearer.tok-A1");
        Session sb = connect(b, "jsonrpc", "bearer.tok-A1");
        assertEquals("jsonrpc", sa.getUpgradeResponse().getAcceptedSubProtocol(), "never the bearer.* carrier");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.hub().room(HubServer.ROOM) == null || server.hub().room(HubServer.ROOM).size() < 2) {
            assertTrue(System.nanoTime() < deadline, "members did not join");
            Thread.sleep(10);
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        sa.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":[\"hello\",42],\"id\":\"x-1\"}", Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(10, TimeUnit.SECONDS);
        JsonNode note = HubCommandTest.JSON.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":[\"hello\",42]}");
        assertEquals(note, HubCommandTest.JSON.readTree(b.next()), "positional params as sent");
        JsonNode first = HubCommandTest.JSON.readTree(a.next());
        JsonNode second = HubCommandTest.JSON.readTree(a.next());
        JsonNode result = first.has("result") ? first : second;
        assertEquals(note, first.has("result") ? second : first);
        assertEquals("x-1", result.path("id").asText(), "a string id echoed as a string");
        assertTrue(result.path("id").isTextual());
        assertEquals(2, result.path("result").path("delivered").asInt());
        sa.close();
        sb.close();
    }

    @Test
    void aWrongTokenIs401AndNoTokenToo() {
        for (String[] offered : new String[][] {{"jsonrpc", "bearer.tok-B2"}, {"jsonrpc"}}) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> connect(new Collector(), offered));
            assertTrue(e.getCause() instanceof UpgradeException, String.valueOf(e.getCause()));
            assertEquals(401, ((UpgradeException) e.getCause()).getResponseStatusCode());
        }
        assertFalse(server.metrics().health().connections() > 0, "no connection was opened");
    }
}
