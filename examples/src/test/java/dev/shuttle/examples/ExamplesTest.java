package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.testing.JdkClient;

/**
 * The three examples end to end on the built-in listener (port 0), with the JDK's WebSocket
 * client as the peer. Tagged until the connection engine and listener replace their stubs.
 */
@Tag("needs-engine")
class ExamplesTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Example example;

    @AfterEach
    void stop() {
        if (example != null) {
            example.close();
        }
        http.close();
    }

    private URI start(Example e) throws IOException {
        example = e;
        dev.shuttle.websocket.standalone.Listener listener = e.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertTrue(listener.port() > 0, "the real port, not 0");
        return URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    @Test
    void broadcastReachesEveryClientIncludingTheSender() throws Exception {
        URI uri = start(new BroadcastExample());
        try (JdkClient a = JdkClient.connect(uri); JdkClient b = JdkClient.connect(uri)) {
            // onOpen has run for a once it can receive; make sure b is registered too before sending.
            awaitConnections(2);
            a.sendText("hello from a");
            a.awaitText("hello from a");
            b.awaitText("hello from a");

            byte[] bytes = {0, 1, 2, (byte) 0xff};
            b.sendBinary(bytes);
            assertArrayEquals(bytes, a.await(JdkClient.Message::binary).data());
            assertArrayEquals(bytes, b.await(JdkClient.Message::binary).data());
        }
    }

    @Test
    void broadcastTicks() throws Exception {
        URI uri = start(new BroadcastExample());
        try (JdkClient a = JdkClient.connect(uri)) {
            String tick = a.await(m -> !m.binary() && m.text().startsWith("tick ")).text();
            assertTrue(tick.matches("tick \\d+ \\d\\d:\\d\\d:\\d\\d"), tick);
        }
    }

    @Test
    void echoSendsTextAsTextAndBinaryAsBinary() throws Exception {
        URI uri = start(new EchoExample());
        try (JdkClient a = JdkClient.connect(uri)) {
            a.sendText("héllo");
            assertEquals("héllo", a.nextText());
            byte[] bytes = "not text".getBytes(StandardCharsets.UTF_8);
            a.sendBinary(bytes);
            JdkClient.Message echoed = a.nextMessage();
            assertTrue(echoed.binary(), "binary echoed as binary");
            assertArrayEquals(bytes, echoed.data());
        }
    }

    @Test
    void rttReachesTheClientAfterItsAutomaticPong() throws Exception {
        URI uri = start(new RttExample());
        try (JdkClient a = JdkClient.connect(uri)) {
            String rtt = a.await(m -> !m.binary()).text();
            assertTrue(rtt.matches("rtt \\d+ µs"), rtt);
        }
    }

    @Test
    void pageAndHealthAreServedBesideTheWebSocket() throws Exception {
        URI uri = start(new EchoExample());
        URI base = URI.create("http://127.0.0.1:" + uri.getPort());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Shuttle echo</title>"));
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
    }

    /** The server registers a connection when its upgrade completes, which may trail the client's view. */
    private void awaitConnections(int n) throws InterruptedException {
        long deadline = System.nanoTime() + JdkClient.WAIT.toNanos();
        while (example.server().connections().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + example.server().connections().size() + " of " + n + " connections registered");
            }
            // A bounded poll of a condition, not a guessed delay.
            LockSupport.parkNanos(1_000_000);
        }
    }
}
