package dev.shuttle.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.PinningRecorder;
import dev.shuttle.websocket.testing.RecordingHandler;

/**
 * No virtual thread pins its carrier inside Shuttle: echo traffic over the built-in listener
 * under JFR's {@code jdk.VirtualThreadPinned} (threshold 0, stack traces), and no event may have
 * a frame in {@code dev.shuttle}. Since JDK 24 {@code synchronized} no longer pins, but native
 * frames and class initialisation still do; on JDK 21 this also catches monitors held over I/O.
 */
class VirtualThreadPinningTest {

    @Test
    @Timeout(60)
    void echoTrafficDoesNotPinInShuttle() throws Exception {
        try (PinningRecorder recorder = new PinningRecorder()) {
            WebSocketServer server = WebSocketServer.builder().handler(RecordingHandler.echo()).build();
            List<JdkClient> clients = new ArrayList<>();
            try (Listener listener = server.listen(ListenerOptions.builder()
                    .address(new InetSocketAddress("127.0.0.1", 0)).build())) {
                URI uri = URI.create("ws://127.0.0.1:" + listener.port() + "/");
                for (int i = 0; i < 4; i++) {
                    clients.add(JdkClient.connect(uri));
                }
                Random random = new Random(1);
                for (int round = 0; round < 50; round++) {
                    for (int i = 0; i < clients.size(); i++) {
                        byte[] data = new byte[random.nextInt(70_000)];
                        random.nextBytes(data);
                        clients.get(i).sendBinary(data);
                        clients.get(i).sendText("round " + round);
                    }
                    for (JdkClient c : clients) {
                        assertTrue(c.nextMessage().binary());
                        assertEquals("round " + round, c.nextMessage().text());
                    }
                }
                for (JdkClient c : clients) {
                    c.sendClose(CloseCode.NORMAL, "");
                    assertEquals(CloseCode.NORMAL, c.awaitClosed().code());
                }
            } finally {
                clients.forEach(JdkClient::close);
            }
            List<List<String>> pinned = recorder.stop();
            List<List<String>> ours = pinned.stream()
                    .filter(VirtualThreadPinningTest::pinnedInLibrary)
                    .toList();
            assertTrue(ours.isEmpty(), ours.size() + " of " + pinned.size() + " pinned events in Shuttle, first: "
                    + (ours.isEmpty() ? "" : String.join("\n  at ", ours.get(0))));
        }
    }

    /** The frame nearest to the pin that belongs to dev.shuttle is library code, not this test's helpers. */
    private static boolean pinnedInLibrary(List<String> stack) {
        return stack.stream().filter(frame -> frame.startsWith("dev.shuttle.")).findFirst()
                .filter(frame -> !frame.startsWith("dev.shuttle.websocket.testing.")
                        && !frame.startsWith(VirtualThreadPinningTest.class.getName()))
                .isPresent();
    }
}
