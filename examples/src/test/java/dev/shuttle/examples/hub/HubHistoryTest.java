package dev.shuttle.examples.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shuttle.websocket.testing.JdkClient;

/** {@code hub --history N} on one instance: positions in broadcasts, {@code ?since=} recovery, {@code recovery.failed}. */
@Timeout(60)
class HubHistoryTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HubServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start(String... flags) throws Exception {
        String[] args = new String[flags.length + 4];
        System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", "0"}, 0, args, 0, 4);
        System.arraycopy(flags, 0, args, 4, flags.length);
        server = HubServer.start(HubCommand.parse(Map.of(), args), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    URI ws(String query) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws" + query);
    }

    static void broadcast(JdkClient c, String text) throws Exception {
        c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":{\"text\":\"" + text + "\"}}");
    }

    /** The next notification, skipping results (a caller's broadcast result may come before or after it). */
    static JsonNode notification(JdkClient c) throws Exception {
        while (true) {
            JsonNode m = JSON.readTree(c.nextText());
            if (m.has("method")) {
                return m;
            }
        }
    }

    /**
     * Asserts that no notification is queued to {@code c} before the answer to a
     * {@code self.reply} sent now: the connection's messages arrive in order, so this shows
     * that nothing was replayed or delivered twice, without guessing how long to wait. Results
     * of the client's own earlier calls may come in between.
     */
    static void assertNoNotificationBeforeAReply(JdkClient c, String marker) throws Exception {
        c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"self.reply\",\"params\":[\"" + marker + "\"],\"id\":\"" + marker + "\"}");
        while (true) {
            JsonNode m = JSON.readTree(c.nextText());
            assertTrue(!m.has("method"), "nothing more was queued, got " + m);
            if (marker.equals(m.path("id").asText())) {
                return;
            }
        }
    }

    @Test
    void broadcastsCarryTheirPositionAndAReconnectGetsWhatItMissedBeforeLiveOnes() throws Exception {
        start("--history", "100");
        String epoch;
        long last;
        try (JdkClient publisher = JdkClient.connect(ws("")); JdkClient leaver = JdkClient.connect(ws(""))) {
            waitForMembers(2);
            broadcast(publisher, "one");
            JsonNode first = notification(leaver);
            assertEquals("broadcast", first.path("method").asText());
            assertEquals("one", first.path("params").path("text").asText(), "params as published");
            epoch = first.path("position").path("epoch").asText();
            last = first.path("position").path("offset").asLong();
            assertEquals(1, last, "the room's first offset");
            assertEquals(first, notification(publisher), "the caller gets the same bytes, position included");
            leaver.close();
            waitForMembers(1);
            for (int k = 2; k <= 6; k++) {
                broadcast(publisher, "m" + k);
            }
            for (int k = 2; k <= 6; k++) {
                assertEquals(k, notification(publisher).path("position").path("offset").asLong());
            }
            try (JdkClient back = JdkClient.connect(ws("?since=" + epoch + ":" + last))) {
                for (int k = 2; k <= 6; k++) {
                    JsonNode m = notification(back);
                    assertEquals("m" + k, m.path("params").path("text").asText());
                    assertEquals(epoch, m.path("position").path("epoch").asText());
                    assertEquals(k, m.path("position").path("offset").asLong(), "missed ones in order, none twice");
                }
                waitForMembers(2);
                broadcast(publisher, "live");
                JsonNode live = notification(back);
                assertEquals("live", live.path("params").path("text").asText());
                assertEquals(7, live.path("position").path("offset").asLong(), "no gap at the switch");
                assertNoNotificationBeforeAReply(back, "end");
            }
        }
    }

    @Test
    void aPositionTheHistoryCannotContinueFromIsToldFirst() throws Exception {
        start("--history", "3");
        try (JdkClient publisher = JdkClient.connect(ws(""))) {
            waitForMembers(1);
            for (int k = 1; k <= 5; k++) {
                broadcast(publisher, "m" + k);
            }
            JsonNode fifth = null;
            for (int k = 1; k <= 5; k++) {
                fifth = notification(publisher);
            }
            String epoch = fifth.path("position").path("epoch").asText();

            assertFailure(ws("?since=" + epoch + ":1"), "too_old", epoch + ":1", epoch, 5);
            assertFailure(ws("?since=another-epoch:3"), "epoch_changed", "another-epoch:3", epoch, 5);
            assertFailure(ws("?since=" + epoch + ":99"), "unknown_position", epoch + ":99", epoch, 5);
            assertFailure(ws("?since=not-a-position"), "malformed", null, epoch, 5);

            try (JdkClient covered = JdkClient.connect(ws("?since=" + epoch + ":3"))) {
                assertEquals(4, notification(covered).path("position").path("offset").asLong(), "3 kept: 3, 4 and 5");
                assertEquals(5, notification(covered).path("position").path("offset").asLong());
            }
        }
    }

    private void assertFailure(URI uri, String reason, String since, String epoch, long offset) throws Exception {
        try (JdkClient c = JdkClient.connect(uri)) {
            JsonNode failed = JSON.readTree(c.nextText());
            assertEquals("2.0", failed.path("jsonrpc").asText());
            assertEquals(HubServer.RECOVERY_FAILED, failed.path("method").asText(), failed.toString());
            assertTrue(!failed.has("id"), "a notification");
            JsonNode params = failed.path("params");
            assertEquals(reason, params.path("reason").asText(), failed.toString());
            if (since == null) {
                assertTrue(params.path("since").isNull(), failed.toString());
            } else {
                assertEquals(since, params.path("since").asText());
            }
            assertEquals(epoch, params.path("position").path("epoch").asText(), "where live messages continue");
            assertEquals(offset, params.path("position").path("offset").asLong());
            assertNoNotificationBeforeAReply(c, "end"); // nothing replayed after the notice
        }
    }

    @Test
    void withoutHistoryBroadcastsAreUnchangedAndSinceIsIgnored() throws Exception {
        start();
        try (JdkClient c = JdkClient.connect(ws("?since=e:1"))) {
            waitForMembers(1);
            broadcast(c, "plain");
            assertEquals(JSON.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"broadcast\",\"params\":{\"text\":\"plain\"}}"), notification(c));
        }
    }

    private void waitForMembers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (server.hub().room(HubServer.ROOM) == null || server.hub().room(HubServer.ROOM).size() != n) {
            assertTrue(System.nanoTime() < deadline, "members did not reach " + n);
            Thread.sleep(10);
        }
    }
}
