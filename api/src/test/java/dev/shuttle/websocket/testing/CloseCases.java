package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;

/** The close handshake (RFC 6455 §7) from both sides, peers that vanish, and the callback lifecycle. */
public abstract class CloseCases extends ProtocolErrorCases {

    @Test
    @Timeout(20)
    void serverInitiatedCloseReachesTheJdkClient() throws Exception {
        RecordingHandler server = new RecordingHandler() {
            @Override
            public void onOpen(WebSocket c) {
                super.onOpen(c);
                c.close(CloseCode.NORMAL, "bye");
            }
        };
        JdkClient client = jdk(start(server));

        JdkClient.Closed closed = client.awaitClosed();
        assertEquals(1000, closed.code());
        assertEquals("bye", closed.reason());
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(1000, close.code());
        assertFalse(close.connection().isOpen());
    }

    @Test
    @Timeout(20)
    void serverInitiatedCloseOnRawSocket() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = raw(start(server));
        server.connection().close(CloseCode.NORMAL, "bye");

        WireFrame close = c.readUntilClose();
        assertEquals(1000, close.closeCode());
        assertEquals("bye", close.closeReason());
        c.sendClose(1000, "");
        c.expectEof();
        RecordingHandler.Close onClose = server.awaitSingleClose();
        assertEquals(1000, onClose.code());
        assertEquals("bye", onClose.reason(), "we closed first: onClose reports what we sent");
    }

    @Test
    @Timeout(20)
    void clientInitiatedCloseIsEchoedAndTcpDropped() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = raw(start(server));
        server.connection();

        c.sendClose(1000, "done");
        WireFrame echo = c.expectClose(1000);
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(1000, close.code());
        assertEquals("done", close.reason());
        assertNull(close.cause(), "a clean close handshake has no cause");
        assertEquals(1000, echo.closeCode());
    }

    @Test
    @Timeout(20)
    void jdkClientCloseIsEchoed() throws Exception {
        RecordingHandler server = new RecordingHandler();
        JdkClient client = jdk(start(server));
        server.connection();

        client.sendClose(4000, "custom");
        assertEquals(4000, client.awaitClosed().code());
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(4000, close.code());
        assertEquals("custom", close.reason());
    }

    @Test
    @Timeout(20)
    void peerClosingTcpWithoutCloseFrameIs1006Once() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = raw(start(server));
        server.connection();

        c.close();

        assertEquals(CloseCode.ABNORMAL, server.awaitSingleClose().code());
        assertEquals(1, server.closeCount.get());
    }

    @Test
    @Timeout(20)
    void peerAbortingMidFrameIs1006Once() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = raw(start(server));
        server.connection();

        byte[] frame = WireFrame.encode(true, 0, WireFrame.BINARY, new byte[100], true);
        c.send(java.util.Arrays.copyOf(frame, 40));
        c.abort();

        assertEquals(CloseCode.ABNORMAL, server.awaitSingleClose().code());
        assertEquals(1, server.closeCount.get());
        assertEquals(0, server.messages.size(), "half a frame is no message");
    }

    @Test
    @Timeout(20)
    void abortFromTheServerIs1006() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = raw(start(server));
        server.connection().abort();
        c.expectEof();
        assertEquals(CloseCode.ABNORMAL, server.awaitSingleClose().code());
    }

    /** Frames pipelined right behind the upgrade request: onOpen still runs first. */
    @Test
    @Timeout(20)
    void onOpenRunsBeforeAnyOnData() throws Exception {
        RecordingHandler server = new RecordingHandler();
        RawClient c = closeLater(RawClient.to(start(server))
                .earlyBytes(WireFrame.concat(WireFrame.maskedText("first"), WireFrame.maskedText("second")))
                .connect());

        assertEquals("first", server.nextMessage().text());
        assertEquals("second", server.nextMessage().text());
        List<String> events = new ArrayList<>(server.events);
        assertEquals(List.of("open", "data", "data"), events);
        c.sendClose(1000, "");
        c.expectClose(1000);
        server.awaitSingleClose();
        assertEquals("close", new ArrayList<>(server.events).get(3), "onClose runs last");
    }

    /** Callbacks of one connection never run concurrently, even with pings mixed in. */
    @Test
    @Timeout(30)
    void callbacksOfOneConnectionNeverOverlap() throws Exception {
        AtomicBoolean inCallback = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        RecordingHandler server = new RecordingHandler() {
            private void enter() {
                if (!inCallback.compareAndSet(false, true)) {
                    overlaps.incrementAndGet();
                }
                Thread.yield();
            }

            private void leave() {
                inCallback.set(false);
            }

            @Override
            public void onData(WebSocket c, boolean isBinary, byte[] data) {
                enter();
                received.incrementAndGet();
                c.write(data);
                leave();
            }

            @Override
            public void onPing(WebSocket c, byte[] payload) {
                enter();
                leave();
            }

            @Override
            public void onPong(WebSocket c, byte[] payload) {
                enter();
                leave();
            }
        };
        RawClient c = raw(start(server));
        int n = 5000;
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            burst.writeBytes(WireFrame.maskedText("m" + i));
            if (i % 100 == 0) {
                burst.writeBytes(WireFrame.masked(WireFrame.PING, "p".getBytes(StandardCharsets.UTF_8)));
                burst.writeBytes(WireFrame.masked(WireFrame.PONG, "q".getBytes(StandardCharsets.UTF_8)));
            }
        }
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                c.send(burst.toByteArray());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (int i = 0; i < n; i++) {
            WireFrame m;
            try {
                m = c.readMessage();
            } catch (java.io.IOException e) {
                throw new AssertionError("connection ended after " + i + " of " + n + " echoes; server onClose: "
                        + server.closes.poll(5, java.util.concurrent.TimeUnit.SECONDS), e);
            }
            assertEquals("m" + i, m.text());
        }
        sender.join();
        assertEquals(0, overlaps.get(), "callbacks overlapped");
        assertEquals(n, received.get());
    }
}
