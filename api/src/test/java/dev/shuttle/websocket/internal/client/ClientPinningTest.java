package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import dev.shuttle.websocket.testing.PinningRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's I/O paths do not pin a carrier: ws:// and wss:// traffic (connect, TLS handshake,
 * echoes, close) under JFR's {@code jdk.VirtualThreadPinned}; no event may have its nearest
 * {@code dev.shuttle} frame in library code.
 */
@Timeout(120)
class ClientPinningTest {
    @Test
    void wsAndWssTrafficDoNotPinInShuttle() throws Exception {
        Path cert = JettyPeer.localhostCert();
        try (PinningRecorder recorder = new PinningRecorder(); JettyPeer plain = new JettyPeer(null); JettyPeer tls = new JettyPeer(cert)) {
            // Connect from virtual threads, as a virtual-thread application would.
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    traffic(WebSocketClient.builder(), URI.create("ws://127.0.0.1:" + plain.port() + "/"));
                    traffic(WebSocketClient.builder().sslContext(JettyPeer.trusting(cert)), URI.create("wss://127.0.0.1:" + tls.port() + "/"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.join();
            List<List<String>> ours = recorder.stop().stream().filter(ClientPinningTest::pinnedInLibrary).toList();
            assertTrue(ours.isEmpty(), ours.size() + " pinned events in Shuttle, first: "
                    + (ours.isEmpty() ? "" : String.join("\n  at ", ours.get(0))));
        }
    }

    private static void traffic(WebSocketClient.Builder builder, URI uri) throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = builder.handler(r).build().connect(uri);
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            byte[] data = new byte[random.nextInt(70_000)];
            random.nextBytes(data);
            ws.write(data);
            assertArrayEquals(data, r.next().data());
        }
        ws.close();
        assertEquals(CloseCode.NORMAL, r.awaitClosed().code());
    }

    /** The frame nearest to the pin that belongs to dev.shuttle is library code, not a test helper. */
    private static boolean pinnedInLibrary(List<String> stack) {
        return stack.stream().filter(frame -> frame.startsWith("dev.shuttle.")).findFirst()
                .filter(frame -> !frame.startsWith("dev.shuttle.websocket.testing.")
                        && !frame.startsWith(ClientPinningTest.class.getPackageName() + ".Recorder")
                        && !frame.startsWith(ClientPinningTest.class.getPackageName() + ".JettyPeer")
                        && !frame.startsWith(ClientPinningTest.class.getName()))
                .isPresent();
    }
}
