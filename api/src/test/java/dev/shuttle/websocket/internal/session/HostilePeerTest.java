package dev.shuttle.websocket.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * Attacks from the issue "Survive hostile peers", from raw sockets against the built-in
 * listener: what a lying peer makes the engine hold, timers under a busy reader, and the close
 * after a half-close. Each waits for an observable event (a pong proves the reader parsed what
 * came before in the same write), never for a guessed duration.
 */
class HostilePeerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final BuiltinFixture fixture = new BuiltinFixture();
    private final List<RawClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(RawClient::close);
        fixture.stop();
    }

    private URI start(WebSocketServer server) throws Exception {
        return fixture.start(server);
    }

    private static WebSocketServer echo(Options options) {
        return WebSocketServer.builder().options(options).onData((c, binary, data) -> {
            if (binary) {
                c.write(data);
            } else {
                c.writeText(data);
            }
        }).build();
    }

    /** A ping, then {@code tail} in the same write: once the pong is back, the reader has parsed the ping and looked at the tail. */
    private static void sendPingThen(RawClient client, byte[] tail) throws Exception {
        client.send(WireFrame.concat(WireFrame.masked(WireFrame.PING, new byte[] {7}), tail));
        WireFrame pong = client.readFrame();
        assertEquals(WireFrame.PONG, pong.opcode());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** One byte of a header after the upgrade: the reader gives its pooled buffer back while it waits. */
    @Test
    @Timeout(60)
    void partialHeaderHoldsNoPooledBuffer() throws Exception {
        URI uri = start(echo(Options.defaults()));
        RawClient client = RawClient.connect(uri);
        clients.add(client);
        sendPingThen(client, new byte[] {(byte) 0x81});
        await(() -> ReadBuffers.borrowed() == 0, "the read buffer back in the pool (borrowed " + ReadBuffers.borrowed() + ")");
        // The stashed byte is still the start of the next frame.
        client.send(new byte[] {(byte) 0x81, 1, 2, 3, 4, 'h' ^ 1}); // masked, length 1
        WireFrame echo = client.readFrame();
        assertEquals(WireFrame.TEXT, echo.opcode());
        assertEquals("h", echo.text());
    }

    /**
     * Frame headers declaring 1 MiB (the default limit), then silence: nothing is allocated for
     * payload that never came, and no pooled buffer is held; a fresh client still echoes.
     */
    @Test
    @Timeout(120)
    void headersDeclaringMegabytesAllocateNothing() throws Exception {
        URI uri = start(echo(Options.defaults()));
        int n = 1500;
        long before = heapAfterGc();
        byte[] header = WireFrame.header(true, 0, WireFrame.BINARY, 1 << 20, true, 0x11223344);
        for (int i = 0; i < n; i++) {
            RawClient client = RawClient.connect(uri);
            clients.add(client);
            sendPingThen(client, header);
        }
        await(() -> ReadBuffers.borrowed() == 0, "no read buffer held by " + n + " waiting readers (borrowed " + ReadBuffers.borrowed() + ")");
        long grown = heapAfterGc() - before;
        // 1 MiB each would be 1.5 GiB; what remains is the connections themselves (both ends live here).
        assertTrue(grown < 48L << 20, "heap grew by " + (grown >> 20) + " MiB for " + n + " header-only frames");
        RawClient fresh = RawClient.connect(uri);
        clients.add(fresh);
        fresh.sendText("still here");
        assertEquals("still here", fresh.readFrame().text());
    }

    /** The close timeout holds while the reader is busy: the handler is slow and the peer floods but never answers our close. */
    @Test
    @Timeout(60)
    void closeTimeoutHoldsUnderBusyReader() throws Exception {
        RecordingHandler recorder = new RecordingHandler();
        AtomicInteger seen = new AtomicInteger();
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().closeTimeout(Duration.ofSeconds(1)).build())
                .onData((c, binary, data) -> {
                    if (seen.incrementAndGet() == 1) {
                        c.close(1000, "bye");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a slow handler
                })
                .onClose(recorder::onClose)
                .build();
        URI uri = start(server);
        RawClient client = RawClient.connect(uri);
        clients.add(client);
        Thread flooder = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    client.sendText("flood");
                }
            } catch (Exception e) {
                // the server dropped us: that is the point
            }
        });
        RecordingHandler.Close close = recorder.awaitSingleClose();
        assertNotNull(close.cause(), "a timed-out close reports why");
        assertTrue(String.valueOf(close.cause().getMessage()).contains("close handshake not completed"), close.toString());
        client.abort();
        flooder.join(WAIT);
    }

    /** The peer sends its close and half-closes at once: what we queued before our close frame still arrives, then our close. */
    @Test
    @Timeout(60)
    void closeAfterPeerHalfCloseFlushesQueuedOutput() throws Exception {
        byte[] big = new byte[256 * 1024];
        WebSocketServer server = WebSocketServer.builder()
                .onData((c, binary, data) -> {
                    for (int i = 0; i < 8; i++) {
                        c.write(big);
                    }
                })
                .build();
        URI uri = start(server);
        // A small receive window: the echoes are still queued when the peer's end of stream arrives.
        RawClient raw = RawClient.to(uri).receiveBuffer(4096).connect();
        clients.add(raw);
        raw.send(WireFrame.concat(WireFrame.maskedText("go"), WireFrame.masked(WireFrame.CLOSE, WireFrame.closePayload(1000, ""))));
        raw.socket().shutdownOutput();
        int echoes = 0;
        while (true) {
            WireFrame f = raw.readFrame();
            if (f.opcode() == WireFrame.CLOSE) {
                break;
            }
            assertEquals(big.length, f.payload().length);
            echoes++;
        }
        assertEquals(8, echoes, "every echo queued before our close frame");
    }
}
