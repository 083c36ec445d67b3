package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;

/**
 * An idle reader gives its thread up on a transport that can hand its reads over
 * ({@code Transport.onReadable}; the reader retires after {@code shuttle.reader.retireMillis},
 * 1 s by default), and a new virtual thread goes on when bytes arrive. Seen from outside as the
 * thread that runs the callbacks: a connection's callbacks run on its one reader thread, so a
 * message after an idle spell that arrives on another thread means the reader retired and
 * resumed. The connection must then work as before: echo, a message fragmented across the
 * idle spell, a close from our side, an abort and a peer that vanishes.
 * <p>
 * Transports that cannot hand reads over ({@link ServerFixture#readerRetires()} false) keep
 * their thread; the same cases check that, and that nothing else changes.
 */
public abstract class RetirementCases extends StallCases {
    /** Past the default retirement (1 s) with room for a busy machine; retried while the thread stays. */
    private static final long IDLE_MILLIS = 1_500;
    private static final int MAX_ROUNDS = 20;

    /** Echoes, and tells which thread ran each message's callback. */
    private static final class ThreadRecorder extends RecordingHandler {
        final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

        ThreadRecorder() {
            super(true);
        }

        @Override
        public void onData(WebSocket c, boolean isBinary, byte[] data) {
            threads.add(Thread.currentThread());
            super.onData(c, isBinary, data);
        }
    }

    private boolean retires() {
        return fixtureInUse().readerRetires();
    }

    /**
     * Sends text after idle spells until its callback runs on another thread than {@code before}
     * (the reader retired in between), or, where the transport keeps its reader, after one spell.
     * Returns the thread that ran the last callback.
     */
    private Thread idleThenEcho(RawClient client, ThreadRecorder server, Thread before, String text) throws Exception {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Thread.sleep(IDLE_MILLIS);
            client.sendText(text);
            assertEquals(text, client.readMessage().text(), "the echo after an idle spell");
            Thread now = RecordingHandler.assertArrives(server.threads, "the callback's thread");
            RecordingHandler.assertArrives(server.messages, "the message");
            if (!retires()) {
                assertSame(before, now, "a transport that cannot hand reads over keeps its reader thread");
                return now;
            }
            if (now != before) {
                return now;
            }
        }
        throw new AssertionError("the reader never retired in " + MAX_ROUNDS + " idle spells of " + IDLE_MILLIS + " ms");
    }

    private Thread firstEcho(RawClient client, ThreadRecorder server) throws Exception {
        client.sendText("first");
        assertEquals("first", client.readMessage().text());
        RecordingHandler.assertArrives(server.messages, "the first message");
        return RecordingHandler.assertArrives(server.threads, "the first callback's thread");
    }

    @Test
    @Timeout(120)
    void idleReaderRetiresAndResumesWhenBytesArrive() throws Exception {
        ThreadRecorder server = new ThreadRecorder();
        URI uri = start(server);
        try (RawClient client = raw(uri)) {
            Thread reader = firstEcho(client, server);
            for (int i = 0; i < 2; i++) {
                Thread next = idleThenEcho(client, server, reader, "again " + i);
                if (retires()) {
                    assertNotSame(reader, next, "a new thread took over");
                }
                reader = next;
            }
            // A message whose fragments straddle an idle spell, then a ping, on a resumed reader.
            client.sendFrame(false, WireFrame.TEXT, "par".getBytes());
            Thread.sleep(IDLE_MILLIS);
            client.sendFrame(true, WireFrame.CONTINUATION, "ts".getBytes());
            assertEquals("parts", client.readMessage().text());
            client.sendPing("p".getBytes());
            assertEquals(WireFrame.PONG, client.readFrame().opcode());
        }
        assertEquals(CloseCode.ABNORMAL, server.awaitSingleClose().code(), "the peer vanished after an idle spell");
    }

    @Test
    @Timeout(120)
    void serverCloseAfterRetirementCompletesTheHandshake() throws Exception {
        ThreadRecorder server = new ThreadRecorder();
        try (RawClient client = raw(start(server))) {
            Thread reader = firstEcho(client, server);
            idleThenEcho(client, server, reader, "idle");
            Thread.sleep(IDLE_MILLIS); // idle again: the close is written with nobody reading
            server.connection().close(CloseCode.NORMAL, "bye");
            assertEquals(CloseCode.NORMAL, client.readUntilClose().closeCode());
            client.sendClose(CloseCode.NORMAL, "");
            client.expectEof();
            assertEquals(CloseCode.NORMAL, server.awaitSingleClose().code());
        }
    }

    @Test
    @Timeout(120)
    void abortAfterRetirementRunsOnCloseOnce() throws Exception {
        ThreadRecorder server = new ThreadRecorder();
        try (RawClient client = raw(start(server))) {
            Thread reader = firstEcho(client, server);
            idleThenEcho(client, server, reader, "idle");
            Thread.sleep(IDLE_MILLIS);
            server.connection().abort(); // the transport's readiness callback starts a reader that ends it
            assertEquals(CloseCode.ABNORMAL, server.awaitSingleClose().code());
            client.expectEof();
            assertEquals(1, server.closeCount.get());
        }
    }
}
