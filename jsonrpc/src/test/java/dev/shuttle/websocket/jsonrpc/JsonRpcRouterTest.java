package dev.shuttle.websocket.jsonrpc;

import static dev.shuttle.websocket.jsonrpc.SpecExamplesTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.limit.RateLimit;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.testing.JdkClient;

/** What the spec's examples leave out: ids, validation, errors, limits, builtins and rate limits. */
@Timeout(60)
class JsonRpcRouterTest {
    record Pair(int a, int b) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    Listener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    JsonRpcRouter plainRouter() {
        return JsonRpcRouter.builder().maxBatchSize(3).maxNestingDepth(8).maxNumberLength(30).build()
                .method("echo", JsonNode.class, (call, p) -> p)
                .method("add", Pair.class, (call, p) -> p.a() + p.b())
                .method("fails", JsonNode.class, (call, p) -> {
                    throw new IllegalStateException("secret detail");
                })
                .method("refuses", JsonNode.class, (call, p) -> {
                    throw new JsonRpcException(-32042, "not today", Map.of("retry", 3));
                })
                .method("replies", JsonNode.class, (call, p) -> {
                    call.reply("from reply()");
                    return "from return";
                })
                .method("repliesTwice", JsonNode.class, (call, p) -> {
                    call.reply(1);
                    call.reply(2);
                    return null;
                })
                .method("whoami", JsonNode.class, (call, p) -> Map.of(
                        "notification", call.isNotification(), "method", call.method()));
    }

    JdkClient serve(WebSocketHandler handler) throws Exception {
        listener = WebSocketServer.builder().handler(handler).build()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return client();
    }

    JdkClient client() throws Exception {
        return JdkClient.connect(URI.create("ws://127.0.0.1:" + listener.port() + "/ws"));
    }

    @Test
    void idsAreEchoedExactly() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            for (String id : new String[] {"\"abc\"", "\"\"", "0", "-7", "123456789012345678901234567890", "1.50", "2.5e-3", "null"}) {
                String reply = c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":" + id + "}");
                JsonNode sent = exact(id);
                JsonNode got = exact(reply).get("id");
                assertEquals(sent, got, reply);
                if (!id.startsWith("\"") && !id.equals("null")) {
                    assertEquals(0, new java.math.BigDecimal(id).compareTo(got.decimalValue()), reply);
                }
            }
            // A null id is a request, not a notification.
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":{\"notification\":false,\"method\":\"whoami\"},\"id\":null}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":null}"));
        }
    }

    @Test
    void invalidRequests() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            assertError(-32600, "null", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{\"a\":1}}"));
            assertError(-32600, "null", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":true}"));
            assertError(-32600, "7", c.call("{\"method\":\"echo\",\"id\":7}"));
            assertError(-32600, "7", c.call("{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":7}"));
            assertError(-32600, "7", c.call("{\"jsonrpc\":2.0,\"method\":\"echo\",\"id\":7}"));
            assertError(-32600, "7", c.call("{\"jsonrpc\":\"2.0\",\"id\":7}"));
            assertError(-32600, "7", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":3,\"id\":7}"));
            assertError(-32600, "7", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":null,\"id\":7}"));
            assertError(-32600, "null", c.call("\"just a string\""));
            assertError(-32700, "null", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1} {}"));
            assertError(-32700, "null", c.call("   "));
        }
    }

    @Test
    void paramsBinding() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1}"));
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"b\":2,\"a\":1},\"id\":1}"));
            assertError(-32602, "1", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2,3],\"id\":1}"));
            assertError(-32602, "1", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[\"x\",2],\"id\":1}"));
            assertError(-32602, "1", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"c\":2},\"id\":1}"));
            assertError(-32602, "1", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":null},\"id\":1}"));
            // A notification whose params do not bind gets nothing back, not even an error.
            c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[\"x\"]}");
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":[\"next\"],\"id\":2}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"next\"],\"id\":2}"));
        }
    }

    @Test
    void handlerFailures() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            String internal = c.call("{\"jsonrpc\":\"2.0\",\"method\":\"fails\",\"id\":1}");
            assertReply("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},\"id\":1}", internal);
            assertFalse(internal.contains("secret") || internal.contains("Exception") || internal.contains("at "), internal);
            assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32042,\"message\":\"not today\",\"data\":{\"retry\":3}},\"id\":1}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"refuses\",\"id\":1}"));
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":\"from reply()\",\"id\":1}", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"replies\",\"id\":1}"));
            assertError(-32603, "1", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"repliesTwice\",\"id\":1}"));
        }
    }

    @Test
    void limits() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            String r = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}";
            assertEquals(3, JSON.readTree(c.call("[" + r + "," + r + "," + r + "]")).size());
            assertError(-32600, "null", c.call("[" + r + "," + r + "," + r + "," + r + "]"));
            // Far beyond the batch limit: refused without building the elements.
            assertError(-32600, "null", c.call("[" + "1,".repeat(100_000) + "1]"));
            assertError(-32700, "null", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[[[[[[[[[1]]]]]]]]],\"id\":1}"));
            assertError(-32700, "null", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[" + "9".repeat(31) + "],\"id\":1}"));
            // Still serving.
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":1}", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":1}"));
        }
    }

    @Test
    void binaryMessageClosesWith1003() throws Exception {
        try (JdkClient c = serve(plainRouter().handler())) {
            c.sendBinary("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}".getBytes());
            assertEquals(CloseCode.UNSUPPORTED_DATA, c.closeCode());
        }
    }

    @Test
    void registration() {
        JsonRpcRouter router = plainRouter();
        assertThrows(IllegalArgumentException.class, () -> router.method("rpc.discover", JsonNode.class, (c, p) -> null));
        assertThrows(IllegalArgumentException.class, () -> router.method("echo", JsonNode.class, (c, p) -> null));
        assertThrows(IllegalStateException.class, () -> router.builtins("room"));
    }

    @Test
    void builtinsBroadcastToEveryoneAndSelfReplyToTheCallerOnly() throws Exception {
        Hub hub = Hub.builder().build();
        JsonRpcRouter router = JsonRpcRouter.builder().hub(hub).build().builtins("all");
        try (JdkClient a = serve(router.handler()); JdkClient b = client()) {
            waitForMembers(hub, "all", 2);
            String reply = a.call("{\"jsonrpc\":\"2.0\",\"method\":\"self.reply\",\"params\":{\"text\":\"only me\"},\"id\":2}");
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":{\"text\":\"only me\"},\"id\":2}", reply);

            a.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":{\"text\":\"hi all\"},\"id\":1}");
            String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":{\"text\":\"hi all\"}}";
            assertReply(notification, a.nextText());
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":{\"delivered\":2},\"id\":1}", a.nextText());
            // b saw the broadcast and nothing of a's self.reply.
            assertReply(notification, b.nextText());
            assertNull(b.pending());
        }
    }

    @Test
    void rateLimitErrorReplies() throws Exception {
        JsonRpcRouter router = plainRouter();
        RateLimit limit = RateLimit.builder().messagesPerSecond(0.001).burst(1)
                .onExceeded(router.rateLimitExceeded()).build();
        try (JdkClient c = serve(limit.wrap(router.handler()))) {
            assertReply("{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":1}", c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":1}"));
            assertReply("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Rate limit exceeded\"},\"id\":\"x\"}",
                    c.call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":\"x\"}"));
            c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1]}"); // a notification: nothing
            assertError(-32000, "null", c.call("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":3}]"));
            assertNull(c.pending());
            assertEquals(3, limit.errors());
        }
    }

    private static void waitForMembers(Hub hub, String room, int n) throws InterruptedException {
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (hub.room(room) == null || hub.room(room).size() < n) {
            assertTrue(System.nanoTime() < deadline, "members did not join");
            Thread.sleep(10);
        }
    }

    private static JsonNode exact(String json) throws Exception {
        return JsonRpcRouter.builder().build().mapper().readTree(json);
    }

    private static void assertError(int code, String id, String reply) throws Exception {
        JsonNode r = JSON.readTree(reply);
        assertEquals(code, r.path("error").path("code").asInt(), reply);
        assertEquals(JSON.readTree(id), r.get("id"), reply);
        assertEquals("2.0", r.path("jsonrpc").asText(), reply);
    }
}
