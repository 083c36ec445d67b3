package dev.shuttle.websocket.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.testing.JdkClient;

/**
 * The examples of the JSON-RPC 2.0 specification, section 7, sent by the JDK's client to a real
 * server and compared with the spec's responses (the optional {@code data} of an error left out).
 */
@Timeout(60)
class SpecExamplesTest {
    record Subtract(int minuend, int subtrahend) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> NOTIFIED = new CopyOnWriteArrayList<>();
    static Listener listener;
    JdkClient client;

    @BeforeAll
    static void start() throws Exception {
        JsonRpcRouter router = JsonRpcRouter.builder().build()
                .method("subtract", Subtract.class, (call, p) -> p.minuend() - p.subtrahend())
                .method("sum", int[].class, (call, p) -> java.util.Arrays.stream(p).sum())
                .method("get_data", JsonNode.class, (call, p) -> List.of("hello", 5))
                .method("update", JsonNode.class, (call, p) -> NOTIFIED.add("update " + p))
                .method("notify_hello", JsonNode.class, (call, p) -> NOTIFIED.add("notify_hello " + p))
                .method("notify_sum", JsonNode.class, (call, p) -> NOTIFIED.add("notify_sum " + p))
                .method("marker", JsonNode.class, (call, p) -> "marker");
        WebSocketServer server = WebSocketServer.builder().handler(router.handler()).build();
        listener = server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        listener.close();
    }

    @BeforeEach
    void connect() throws Exception {
        NOTIFIED.clear();
        client = JdkClient.connect(URI.create("ws://127.0.0.1:" + listener.port() + "/"));
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void positionalParameters() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}"));
        assertReply("{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}"));
    }

    @Test
    void namedParameters() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}"));
        assertReply("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}"));
    }

    @Test
    void notificationsGetNoReply() throws Exception {
        client.sendText("{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}");
        client.sendText("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}");
        assertNextIsMarker();
        assertEquals(List.of("update [1,2,3,4,5]"), NOTIFIED);
    }

    @Test
    void nonExistentMethod() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}"));
    }

    @Test
    void invalidJson() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]"));
    }

    @Test
    void invalidRequestObject() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
                client.call("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}"));
    }

    @Test
    void batchWithInvalidJson() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
                client.call("""
                        [
                          {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                          {"jsonrpc": "2.0", "method"
                        ]"""));
    }

    @Test
    void emptyArray() throws Exception {
        assertReply("{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
                client.call("[]"));
    }

    @Test
    void invalidBatchButNotEmpty() throws Exception {
        assertReply("[{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]",
                client.call("[1]"));
    }

    @Test
    void invalidBatch() throws Exception {
        String error = "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}";
        assertReply("[" + error + "," + error + "," + error + "]", client.call("[1,2,3]"));
    }

    @Test
    void batch() throws Exception {
        assertReply("""
                [
                  {"jsonrpc": "2.0", "result": 7, "id": "1"},
                  {"jsonrpc": "2.0", "result": 19, "id": "2"},
                  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                  {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
                  {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
                ]""", client.call("""
                [
                  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                  {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
                  {"foo": "boo"},
                  {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                  {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
                ]"""));
        assertEquals(List.of("notify_hello [7]"), NOTIFIED);
    }

    @Test
    void batchOfNotificationsOnly() throws Exception {
        client.sendText("""
                [
                  {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
                  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
                ]""");
        assertNextIsMarker();
        assertEquals(List.of("notify_sum [1,2,4]", "notify_hello [7]"), NOTIFIED);
    }

    /** Replies come in order on one connection: if the marker's is next, nothing came before it. */
    private void assertNextIsMarker() throws Exception {
        assertReply("{\"jsonrpc\":\"2.0\",\"result\":\"marker\",\"id\":\"m\"}",
                client.call("{\"jsonrpc\":\"2.0\",\"method\":\"marker\",\"id\":\"m\"}"));
    }

    static void assertReply(String expected, String actual) throws Exception {
        assertEquals(JSON.readTree(expected), withoutErrorData(JSON.readTree(actual)), actual);
    }

    /** The spec's examples show no {@code data}; ours may say more. */
    static JsonNode withoutErrorData(JsonNode reply) {
        if (reply.isArray()) {
            reply.forEach(SpecExamplesTest::withoutErrorData);
        } else if (reply.get("error") instanceof ObjectNode error) {
            error.remove("data");
        }
        return reply;
    }
}
