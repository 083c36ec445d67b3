package dev.shuttle.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.PinningRecorder;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.ServerFixture;

/**
 * No virtual thread pins its carrier inside Shuttle: echo traffic over the built-in listener
 * under JFR's {@code jdk.VirtualThreadPinned} (threshold 0, stack traces), and no event may have
 * a frame in {@code dev.shuttle}. Since JDK 24 {@code synchronized} no longer pins, but native
 * frames and class initialisation still do; on JDK 21 this also catches monitors held over I/O.
 */
class VirtualThreadPinningTest {

    /** The transport to drive; the built-in listener here. */
    protected ServerFixture fixture() {
        return new BuiltinFixture();
    }

    @Test
    @Timeout(60)
    void echoTrafficDoesNotPinInShuttle() throws Exception {
        try (PinningRecorder recorder = new PinningRecorder()) {
            WebSocketServer server = WebSocketServer.builder().handler(RecordingHandler.echo()).build();
            List<JdkClient> clients = new ArrayList<>();
            ServerFixture fixture = fixture();
            try {
                URI uri = fixture.start(server);
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
                fixture.stop();
            }
            List<List<String>> pinned = recorder.stop();
            List<List<String>> ours = pinned.stream()
                    .filter(VirtualThreadPinningTest::pinnedInLibrary)
                    .toList();
            assertTrue(ours.isEmpty(), ours.size() + " of " + pinned.size() + " pinned events in Shuttle, first: "
                    + (ours.isEmpty() ? "" : String.join("\n  at ", ours.get(0))));
        }
    }

    /** A class initialiser that parks: a virtual thread running it pins its carrier on every JDK so far. */
    private static final class ParksInClassInit {
        static {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }

        static void touch() {
        }
    }

    /** The guard's own check: the recorder does see a pinned virtual thread, with its stack. */
    @Test
    @Timeout(30)
    void recorderSeesAPinnedVirtualThread() throws Exception {
        try (PinningRecorder recorder = new PinningRecorder()) {
            Thread.ofVirtual().start(ParksInClassInit::touch).join();
            List<List<String>> pinned = recorder.stop();
            assertTrue(pinned.stream().anyMatch(stack -> stack.stream().anyMatch(f -> f.contains("ParksInClassInit"))),
                    "no pinned event with the class initialiser on its stack: " + pinned);
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
