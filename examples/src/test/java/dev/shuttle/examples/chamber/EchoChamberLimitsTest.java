package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.testing.JdkClient;

/** The limits: queue items and data, metadata length (4000), chamber size and count (1013), slow readers, Origin and handshake answers. */
class EchoChamberLimitsTest {
    private EchoChamberServer server;
    private final java.util.concurrent.BlockingQueue<String> log = new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    private void start(EchoChamberServer.Builder builder) throws IOException {
        server = builder.address(new InetSocketAddress("127.0.0.1", 0)).log(log::add).start();
    }

    private void start(String... halls) throws IOException {
        start(EchoChamberServer.builder().halls(Arrays.stream(halls).map(HallSpec::parse).toList()));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawClient raw(String target) throws IOException {
        RawClient c = RawClient.connect(server.port(), target);
        clients.add(c);
        assertEquals(101, c.status);
        return c;
    }

    private JdkClient jdk(String target) throws Exception {
        JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + server.port() + target), EchoChamberServer.PROTOCOL);
        clients.add(c);
        return c;
    }

    @Test
    void tooManyWaitingFramesCutTheMessageInFlight() throws Exception {
        start("/:MAX_QUEUE_ITEMS=2,MAX_QUEUE_DATA=1000");
        RawClient receiver = raw("/q");
        assertEquals("I0", receiver.nextText());
        RawClient slow = raw("/q");
        slow.nextText();
        RawClient other = raw("/q");
        other.nextText();
        receiver.nextText();
        receiver.nextText();
        slow.frame(false, Opcode.TEXT, "T0\npart".getBytes());
        // Once its first frame is out to the receiver, the others' messages have to wait.
        assertEquals("F1\npart", new String(receiver.nextFrame().payload()));
        // Three whole messages wait behind it: one more than MAX_QUEUE_ITEMS.
        other.text("T0\nc1");
        other.text("T0\nc2");
        other.text("T0\nc3");
        assertEquals("", receiver.nextText(), "the rest of the cut message: an empty final frame");
        assertEquals("X", receiver.nextText());
        assertEquals(List.of("F2\nc1", "F2\nc2", "F2\nc3"), List.of(receiver.nextText(), receiver.nextText(), receiver.nextText()));
        slow.frame(true, Opcode.CONTINUATION, " and the rest".getBytes());
        slow.text("T0\nnext one");
        assertEquals("F1\nnext one", receiver.nextText(), "the rest of the cut message is dropped, the next one arrives");
    }

    @Test
    void tooMuchWaitingDataCutsTheMessageInFlight() throws Exception {
        start("/:MAX_QUEUE_ITEMS=100,MAX_QUEUE_DATA=1000");
        RawClient receiver = raw("/d");
        receiver.nextText();
        RawClient slow = raw("/d");
        slow.nextText();
        RawClient other = raw("/d");
        other.nextText();
        receiver.nextText();
        receiver.nextText();
        slow.frame(false, Opcode.TEXT, "\npart".getBytes());
        assertEquals("F1\npart", new String(receiver.nextFrame().payload()));
        String big = "x".repeat(600);
        other.text("T0\n" + big); // waits: 603 bytes
        other.text("T0\n" + big); // 1206 > 1000: the message in flight is cut
        assertEquals("", receiver.nextText());
        assertEquals("X", receiver.nextText());
        assertEquals("F2\n" + big, receiver.nextText());
        assertEquals("F2\n" + big, receiver.nextText());
    }

    @Test
    void twoPersonChambersHaveNoQueue() throws Exception {
        start(EchoChamberServer.builder()); // the reference's halls: /p2/ queues nothing
        RawClient a = raw("/p2/pair");
        assertEquals("I0", a.nextText());
        RawClient b = raw("/p2/pair");
        assertEquals("I1:H0", b.nextText());
        assertEquals("H1", a.nextText());
        b.frame(false, Opcode.TEXT, "\nhalf".getBytes());
        assertEquals("F1\nhalf", new String(a.nextFrame().payload()));
        a.text("T**\nmine"); // reaches a's own inbox while b's message is in flight to it
        assertEquals("", a.nextText());
        assertEquals("X", a.nextText());
        assertEquals("F0\nmine", a.nextText());
        assertEquals("F0\nmine", b.nextText());
    }

    @Test
    void aFullChamberClosesTheNewcomerWith1013AfterTheUpgrade() throws Exception {
        start(EchoChamberServer.builder());
        RawClient a = raw("/p2/x");
        a.nextText();
        RawClient b = raw("/p2/x");
        b.nextText();
        a.nextText();
        RawClient third = RawClient.connect(server.port(), "/p2/x");
        clients.add(third);
        assertEquals(101, third.status, "upgraded first, as the reference does");
        RawClient.Message close = third.next();
        assertEquals("close 1013 Chamber is full", close.toString());
        third.closeFrame(1013);
        assertTrue(third.awaitEnd());
        a.text("\nstill two");
        assertEquals("F0\nstill two", b.nextText(), "the members noticed nothing");
    }

    @Test
    void oneChamberTooManyClosesWith1013() throws Exception {
        start("/:MAX_CHAMBERS=1");
        RawClient a = raw("/first");
        assertEquals("I0", a.nextText());
        RawClient b = raw("/second");
        assertEquals("close 1013 Too many chambers", b.next().toString());
        a.closeFrame(1000);
        assertEquals(1000, a.next().code());
        assertTrue(a.awaitEnd());
        awaitLog("Removed chamber /first");
        RawClient c = raw("/second");
        assertEquals("I0", c.nextText(), "the first chamber ended with its member; a new one may open");
    }

    private void awaitLog(String line) throws InterruptedException {
        for (String l; (l = log.poll(JdkClient.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) != null; ) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new AssertionError("no log line '" + line + "'");
    }

    @Test
    void aMetadataLineThatNeverEndsClosesWith4000() throws Exception {
        start("/:HEADERS_MAX_LENGTH=16");
        JdkClient witness = jdk("/h");
        witness.nextText();
        RawClient a = raw("/h");
        a.nextText();
        witness.nextText();
        a.text("T0\n" + "a".repeat(100)); // a short line, a long body: fine
        assertEquals("F1\n" + "a".repeat(100), witness.nextText());
        a.text("x".repeat(15) + "\nexactly 16 bytes with its newline");
        assertEquals("F1\nexactly 16 bytes with its newline", witness.nextText());
        // Split over frames: 10 + 6 bytes and still no newline.
        a.frame(false, Opcode.TEXT, "x".repeat(10).getBytes());
        a.frame(false, Opcode.CONTINUATION, "y".repeat(6).getBytes());
        assertEquals("close 4000 Header too large", a.next().toString());
        assertEquals("B1", witness.nextText());

        RawClient b = raw("/h");
        b.nextText();
        witness.nextText();
        b.text("z".repeat(40)); // one frame, no newline within 16 bytes
        assertEquals("close 4000 Header too large", b.next().toString());
    }

    @Test
    void aMemberThatStopsReadingIsClosedNotBuffered() throws Exception {
        start(EchoChamberServer.builder().halls(List.of(HallSpec.parse("/"))).maxOutbound(16 * 1024));
        JdkClient sender = jdk("/slow");
        assertEquals("I0", sender.nextText());
        RawClient stuck = raw("/slow");
        assertEquals("H1", sender.nextText());
        byte[] chunk = "y".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
        String body = "\n" + new String(chunk, StandardCharsets.US_ASCII);
        int sent = 0;
        // The loopback buffers hold some megabytes; 32 MiB is beyond them, so the stuck member's
        // queue passes the limit: it is closed with 1008 and leaves the chamber at once.
        java.util.concurrent.CompletableFuture<String> bye = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return sender.nextText();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (; sent < 1024; sent++) {
            sender.sendText(body);
        }
        assertEquals("B1", bye.get(JdkClient.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        int relayed = 0;
        RawClient.Message m = stuck.next();
        for (; !m.isClose(); m = stuck.next()) {
            relayed++;
        }
        assertEquals(1008, m.code(), "its close frame follows what was queued before it");
        assertTrue(relayed < sent, relayed + " of " + sent + " relayed");
    }

    @Test
    void originsAreComparedExactlyAndFileIsAllowed() throws Exception {
        start(EchoChamberServer.builder().origins(List.of("https://a.example", "file://")));
        assertEquals(101, status("/o", Map.of("Origin", "file://")));
        assertEquals(101, status("/o", Map.of("Origin", "https://a.example")));
        assertEquals(403, status("/o", Map.of("Origin", "https://b.example")));
        assertEquals(403, status("/o", Map.of("Origin", "https://a.example:443")), "exact, as the reference");
        assertEquals(403, status("/o", Map.of()), "with a list, no Origin is not permitted either");
    }

    @Test
    void handshakeAnswersAsTheReference() throws Exception {
        start(EchoChamberServer.builder().halls(List.of(HallSpec.parse("/only/"))));
        assertEquals(404, RawClient.connect(server.port(), "/only/x", Map.of()).status, "no echo subprotocol");
        assertEquals(404, status("/other", Map.of()), "under no prefix");
        assertEquals(400, status("/only/a:b", Map.of()), "a character the reference refuses in a URL");
        assertEquals(101, status("/only/a-b_c.d~e%20f?g=h&i+j", Map.of()));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 400", head, "a plain GET must upgrade");
        }
        assertFalse(server.address().getAddress().isAnyLocalAddress());
    }

    private int status(String target, Map<String, String> headers) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Sec-WebSocket-Protocol", "chat, echo");
        try (RawClient c = RawClient.connect(server.port(), target, all)) {
            return c.status;
        }
    }
}
