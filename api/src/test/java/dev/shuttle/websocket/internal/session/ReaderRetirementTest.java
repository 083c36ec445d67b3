package dev.shuttle.websocket.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;
import dev.shuttle.websocket.WebSocketServer;

/**
 * An idle connection on the built-in listener gives its reader thread up (after
 * {@code shuttle.reader.retireMillis}, 1 s by default) and the poller starts a new one when bytes
 * arrive: the connection then works as before, closes cleanly, and notices a vanished peer.
 */
class ReaderRetirementTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final BuiltinFixture fixture = new BuiltinFixture();

    @AfterEach
    void stop() {
        fixture.stop();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Waits until some reader retired after {@code before}: the idle connection under test (it is the only one). */
    private static void awaitRetired(long before) throws InterruptedException {
        await(() -> Reader.retirements() > before, "the idle reader retires");
    }

    @Test
    @Timeout(60)
    void retiredReaderResumesWhenBytesArrive() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        URI uri = fixture.start(WebSocketServer.builder().handler(handler).build());
        try (RawClient client = RawClient.connect(uri)) {
            client.sendText("first");
            assertEquals("first", client.readMessage().text());
            for (int round = 0; round < 3; round++) {
                long retired = Reader.retirements();
                long resumed = Reader.resumptions();
                awaitRetired(retired);
                client.sendText("again " + round);
                assertEquals("again " + round, client.readMessage().text(), "a resumed reader echoes");
                assertTrue(Reader.resumptions() > resumed, "a new thread took over");
            }
            // A ping answered by a resumed reader, and a fragmented message spanning a retirement.
            long retired = Reader.retirements();
            client.sendFrame(false, WireFrame.TEXT, "par".getBytes());
            awaitRetired(retired);
            client.sendFrame(true, WireFrame.CONTINUATION, "ts".getBytes());
            assertEquals("parts", client.readMessage().text());
        }
        assertEquals(CloseCode.ABNORMAL, handler.awaitSingleClose().code(), "the peer vanished while the reader was retired");
    }

    @Test
    @Timeout(60)
    void serverCloseWhileRetiredCompletesTheHandshake() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        URI uri = fixture.start(WebSocketServer.builder().handler(handler).build());
        try (RawClient client = RawClient.connect(uri)) {
            WebSocket server = handler.connection();
            long retired = Reader.retirements();
            awaitRetired(retired);
            server.close(CloseCode.NORMAL, "bye"); // written by this thread: nobody was draining
            assertEquals(CloseCode.NORMAL, client.readUntilClose().closeCode());
            client.sendClose(CloseCode.NORMAL, "");
            client.expectEof(); // the server ends TCP once both close frames crossed
            assertEquals(CloseCode.NORMAL, handler.awaitSingleClose().code());
        }
    }

    @Test
    @Timeout(60)
    void abortWhileRetiredRunsOnClose() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        URI uri = fixture.start(WebSocketServer.builder().handler(handler).build());
        try (RawClient client = RawClient.connect(uri)) {
            WebSocket server = handler.connection();
            awaitRetired(Reader.retirements());
            server.abort(); // closes the transport: its readiness callback starts a reader that ends the connection
            assertEquals(CloseCode.ABNORMAL, handler.awaitSingleClose().code());
            client.expectEof();
        }
    }
}
