package dev.shuttle.websocket.standalone;

import static dev.shuttle.websocket.standalone.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.io.Poller;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * The listener keeps serving when one connection's handling fails: in the poller (issue 9 item
 * 2), in the application's upgrade hook, HTTP handler or callbacks with an {@code Error} (item 9).
 */
@Timeout(60)
class ListenerSupervisionTest {
    /** More bad channels than the poller has loops (at most 4), so each loop meets at least one. */
    private static final int BAD_CHANNELS = 8;

    private Listener listener;

    @AfterEach
    void closeListener() {
        if (listener != null) {
            listener.close();
        }
    }

    private URI start(WebSocketServer server) throws Exception {
        return start(server, ListenerOptions.builder());
    }

    private URI start(WebSocketServer server, ListenerOptions.Builder options) throws Exception {
        listener = Listener.start(server, options.address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        return URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    private static void assertEchoes(URI uri, String text) throws Exception {
        try (JdkClient c = JdkClient.connect(uri)) {
            c.sendText(text);
            assertEquals(text, c.nextMessage().text());
        }
    }

    @Test
    void aChannelWhoseRegistrationThrowsFailsAloneAndTheListenerGoesOn() throws Exception {
        URI uri = start(WebSocketServer.builder().handler(RecordingHandler.echo()).build());
        try (JdkClient before = JdkClient.connect(uri);
             ServerSocketChannel peer = ServerSocketChannel.open()) {
            before.sendText("before");
            assertEquals("before", before.nextMessage().text());

            // Channels left in blocking mode: the loop's register() throws IllegalBlockingModeException,
            // a RuntimeException the poller used not to catch (its thread died with it).
            peer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<SocketChannel> bad = new ArrayList<>();
            List<CompletableFuture<Boolean>> woken = new ArrayList<>();
            try {
                for (int i = 0; i < BAD_CHANNELS; i++) {
                    SocketChannel sc = SocketChannel.open(peer.getLocalAddress());
                    bad.add(sc);
                    assertTrue(sc.isBlocking());
                    Poller.Channel pc = listener.poller().register(sc);
                    CompletableFuture<Boolean> w = new CompletableFuture<>();
                    Thread.ofVirtual().start(() -> {
                        try {
                            w.complete(pc.await(SelectionKey.OP_READ, 0, false));
                        } catch (Throwable t) {
                            w.completeExceptionally(t);
                        }
                    });
                    woken.add(w);
                }
                for (int i = 0; i < BAD_CHANNELS; i++) {
                    // Woken as failed (not "poller stopped"), and its socket closed by the poller.
                    assertTrue(woken.get(i).get(RecordingHandler.WAIT.toSeconds(), TimeUnit.SECONDS), "waiter " + i);
                    assertFalse(bad.get(i).isOpen(), "the failed channel's socket is closed");
                }
                // The same mistake is still caught by the JDK when registering directly: the injected fault is real.
                try (SocketChannel probe = SocketChannel.open(peer.getLocalAddress());
                     java.nio.channels.Selector s = java.nio.channels.Selector.open()) {
                    assertThrowsIllegalBlockingMode(probe, s);
                }
            } finally {
                for (SocketChannel sc : bad) {
                    sc.close();
                }
            }

            // The connection that was open all along still echoes, and new ones are served.
            before.sendText("after");
            assertEquals("after", before.nextMessage().text());
            assertEchoes(uri, "fresh");
            try (RawClient raw = RawClient.to(uri).connect()) {
                raw.sendText("raw");
                assertEquals("raw", raw.readMessage().text());
            }
        }
    }

    private static void assertThrowsIllegalBlockingMode(SocketChannel channel, java.nio.channels.Selector selector) {
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IllegalBlockingModeException expected) {
            return;
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("registering a blocking channel did not throw");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"AssertionError", "StackOverflowError", "RuntimeException"})
    void anUpgradeHookThatThrowsIs500WithoutALeak(String kind) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .handler(RecordingHandler.echo())
                .upgradeHook((request, attributes) -> {
                    if (request.path().equals("/boom")) {
                        throwIt(kind);
                    }
                })
                .build();
        URI uri = start(server);
        for (int i = 0; i < 3; i++) {
            RawClient.HttpHead head = RawClient.to(uri.resolve("/boom")).exchange();
            assertEquals(500, head.status(), head.statusLine());
        }
        assertEventually(() -> listener.connectionCount() == 0, "the refused connections left");
        assertTrue(server.connections().isEmpty());
        assertEchoes(uri, "still serving");
    }

    @Test
    void anHttpHandlerThatThrowsAnErrorIs500() throws Exception {
        URI uri = start(WebSocketServer.builder().handler(RecordingHandler.echo()).build(),
                ListenerOptions.builder().httpHandler(r -> {
                    throw new AssertionError("bad handler");
                }));
        RawClient.HttpHead head = RawClient.to(uri).header("Upgrade", null).header("Connection", null).exchange();
        assertEquals(500, head.status(), head.statusLine());
        assertEventually(() -> listener.connectionCount() == 0, "the connection left");
        assertEchoes(uri, "still serving");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"onOpen", "onData"})
    void aCallbackThatThrowsAnErrorEndsOnlyItsConnection(String where) throws Exception {
        RecordingHandler echo = RecordingHandler.echo();
        WebSocketServer server = WebSocketServer.builder()
                .onOpen(c -> {
                    if (where.equals("onOpen") && c.path().equals("/boom")) {
                        throw new AssertionError("onOpen failed");
                    }
                })
                .onData((c, isBinary, data) -> {
                    if (where.equals("onData") && c.path().equals("/boom")) {
                        throw new AssertionError("onData failed");
                    }
                    if (isBinary) {
                        c.write(data);
                    } else {
                        c.write(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .build();
        URI uri = start(server);
        try (JdkClient ok = JdkClient.connect(uri)) {
            try (RawClient bad = RawClient.to(uri.resolve("/boom")).connect()) {
                if (where.equals("onData")) {
                    bad.sendText("boom");
                }
                awaitEnd(bad);
            }
            assertEventually(() -> listener.connectionCount() == 1, "the failed connection left, the other stays");
            assertEventually(() -> server.connections().size() == 1, "the server forgot the failed connection");
            ok.sendText("unaffected");
            assertEquals("unaffected", ok.nextMessage().text());
        }
        assertEventually(() -> listener.connectionCount() == 0, "every connection left");
        assertEchoes(uri, "still serving");
    }

    /** Until a close frame, the end of stream or a reset: the engine may close with 1011 or drop the socket. */
    private static void awaitEnd(RawClient c) throws IOException {
        try {
            while (c.readFrame().opcode() != WireFrame.CLOSE) {
                // skip data frames
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException ended) {
            // end of stream or reset: ended
        }
    }

    private static void throwIt(String kind) {
        switch (kind) {
            case "AssertionError" -> throw new AssertionError("hook failed");
            case "StackOverflowError" -> recurse(0);
            default -> throw new IllegalStateException("hook failed");
        }
    }

    /** A real stack overflow, not a constructed one. */
    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
