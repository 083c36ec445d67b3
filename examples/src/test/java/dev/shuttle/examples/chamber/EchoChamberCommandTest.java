package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The command line: picocli parsing, the reference's defaults, exit codes, and a real run. */
class EchoChamberCommandTest {
    private record Result(int code, String out, String err) {
    }

    /** Runs the command with a stop latch that is already open: it starts, prints, and stops. */
    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(0);
        int code = EchoChamberCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new AtomicReference<>(), stop);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpExitsZeroAndNamesEverySetting() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String word : List.of("<port>", "<domain,…>", "--host", "--hall", "--max-message-size", "--max-write-buffer",
                "MAX_QUEUE_ITEMS", "MAX_QUEUE_DATA", "HEADERS_MAX_LENGTH", "CHAMBER_MAX_CONNECTIONS", "MAX_CHAMBERS")) {
            assertTrue(r.out().contains(word), word + " in\n" + r.out());
        }
    }

    @Test
    void badCommandLinesExitTwoWithTheReason() {
        assertUsage("port", "abc");
        assertUsage("bad port", "70000");
        assertUsage("Unknown option", "--nope");
        assertUsage("unknown limit FOO", "--hall", "/x/:FOO=1");
        assertUsage("is not a number", "--hall", "/x/:MAX_CHAMBERS=lots");
        assertUsage("starts with '/'", "--hall", "p2");
        assertUsage("must be 1 or more", "--hall", "/:CHAMBER_MAX_CONNECTIONS=0");
        assertUsage("maxMessageSize must be positive", "--max-message-size", "0");
        assertUsage("Unmatched argument", "8080", "file://", "extra");
    }

    private static void assertUsage(String reason, String... args) {
        Result r = run(args);
        assertEquals(2, r.code(), String.join(" ", args));
        assertTrue(r.err().contains(reason), "'" + reason + "' in\n" + r.err());
        assertTrue(r.err().contains("Usage: echo-chamber"), r.err());
    }

    @Test
    void hallsTakeTheReferenceNamesAndDefaults() {
        assertEquals(HallSpec.REFERENCE_DEFAULTS.maxQueueData(), HallSpec.parse("/x/").maxQueueData());
        HallSpec p2 = HallSpec.parse("/p2/:MAX_QUEUE_ITEMS=0,MAX_QUEUE_DATA=0,HEADERS_MAX_LENGTH=1024,CHAMBER_MAX_CONNECTIONS=2,MAX_CHAMBERS=512");
        assertEquals(HallSpec.REFERENCE_HALLS.get(0), p2);
        assertEquals(p2, HallSpec.parse(p2.toString()));
        HallSpec some = HallSpec.parse("/a/:max_chambers=3");
        assertEquals(3, some.maxChambers());
        assertEquals(HallSpec.REFERENCE_DEFAULTS.chamberMaxConnections(), some.chamberMaxConnections());
        assertThrows(IllegalArgumentException.class, () -> HallSpec.parse("/a/:MAX_CHAMBERS"));
    }

    @Test
    void runsUntilStoppedAndServesTheChambers() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicReference<EchoChamberServer> running = new AtomicReference<>();
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> exit.complete(EchoChamberCommand.run(
                new String[] {"0", "file://", "--host", "127.0.0.1", "--hall", "/two/:CHAMBER_MAX_CONNECTIONS=2"},
                out, System.err, running, stop)));
        EchoChamberServer server = awaitStarted(running, exit);
        // The Origin list came from the command line.
        try (RawClient none = RawClient.connect(server.port(), "/two/x")) {
            assertEquals(403, none.status);
        }
        try (RawClient a = RawClient.connect(server.port(), "/two/x", java.util.Map.of("Sec-WebSocket-Protocol", "echo", "Origin", "file://"))) {
            assertEquals("I0", a.nextText());
        }
        stop.countDown();
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Echo Chamber bound at /two/"), printed);
        assertTrue(printed.contains("Available at ws://127.0.0.1:" + server.port() + "/"), printed);
        assertTrue(printed.matches("(?s).*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[chamber /two/x\\]: Added 127\\.0\\.0\\.1:\\d+ as 0.*"), printed);
    }

    private static EchoChamberServer awaitStarted(AtomicReference<EchoChamberServer> running, CompletableFuture<Integer> exit)
            throws InterruptedException {
        for (int i = 0; i < 1000 && running.get() == null; i++) {
            if (exit.isDone()) {
                throw new AssertionError("exited with " + exit.join());
            }
            Thread.sleep(10);
        }
        EchoChamberServer server = running.get();
        if (server == null) {
            throw new AssertionError("did not start within 10 s");
        }
        return server;
    }
}
