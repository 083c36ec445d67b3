package dev.shuttle.websocket.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Transport;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.Headers;

/** What the Undertow handler adds to the contract: routing, refusals through Undertow's response, idle reads. */
class UndertowWebSocketTest {
    private UndertowFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.stop();
        }
    }

    private URI start(WebSocketServer server, HttpHandler next, UnaryOperator<Transport> decorate) {
        fixture = new UndertowFixture(null, next, decorate);
        return fixture.start(server);
    }

    @Test
    @Timeout(30)
    void plainRequestsGoToTheNextHandler() throws Exception {
        HttpHandler hello = exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            exchange.getResponseSender().send("hello " + exchange.getRequestPath());
        };
        URI uri = start(WebSocketServer.builder().build(), hello, UnaryOperator.identity());

        RawClient.HttpHead head = RawClient.to(uri).target("/page").header("Upgrade", "h2c").exchange();

        assertEquals(200, head.status(), head.statusLine());
    }

    @Test
    @Timeout(30)
    void defaultNextAnswers404() throws Exception {
        fixture = new UndertowFixture();
        URI uri = fixture.start(WebSocketServer.builder().build());

        assertEquals(404, RawClient.to(uri).method("GET").header("Upgrade", "").exchange().status());
    }

    @Test
    @Timeout(30)
    void refusalCarriesStatusHeadersAndBody() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .upgradeHook((request, attributes) -> {
                    throw new UpgradeRejectedException(401, "who are you").header("WWW-Authenticate", "Bearer");
                })
                .build();
        URI uri = start(server, ResponseCodeHandler.HANDLE_404, UnaryOperator.identity());

        RawClient.HttpHead head = RawClient.to(uri).exchange();

        assertEquals(401, head.status(), head.statusLine());
        assertEquals("Bearer", head.header("WWW-Authenticate"));
    }

    @Test
    @Timeout(30)
    void wrongVersionIsRefusedWith426() throws Exception {
        URI uri = start(WebSocketServer.builder().build(), ResponseCodeHandler.HANDLE_404, UnaryOperator.identity());

        RawClient.HttpHead head = RawClient.to(uri).header("Sec-WebSocket-Version", "8").exchange();

        assertEquals(426, head.status(), head.statusLine());
        assertEquals("13", head.header("Sec-WebSocket-Version"));
    }

    /** Mounted under Undertow's path handler: the WebSocket answers on its prefix only. */
    @Test
    @Timeout(30)
    void mountsOnAPathPrefix() throws Exception {
        RecordingHandler echo = RecordingHandler.echo();
        fixture = new UndertowFixture(null, server -> Handlers.path().addPrefixPath("/ws", UndertowWebSocket.handler(server)));
        URI uri = fixture.start(WebSocketServer.builder().handler(echo).build());

        assertEquals(404, RawClient.to(uri).target("/elsewhere").exchange().status());
        try (RawClient c = RawClient.to(uri).target("/ws/room?x=1").connect()) {
            c.sendText("hi");
            assertEquals("hi", c.readMessage().text());
            assertEquals("/ws/room", echo.connection().path());
            assertEquals("x=1", echo.connection().request().query());
        }
    }

    /**
     * An idle connection waits for readiness, not for data: the engine borrows a read buffer only
     * when awaitReadable returns, so every return must come with bytes (no timers are set here,
     * and nothing else wakes the reader while messages flow).
     */
    @Test
    @Timeout(30)
    void readerWakesOnlyWhenBytesArrive() throws Exception {
        CompletableFuture<WatchedTransport> watched = new CompletableFuture<>();
        RecordingHandler echo = RecordingHandler.echo();
        URI uri = start(WebSocketServer.builder().handler(echo).build(), ResponseCodeHandler.HANDLE_404, t -> {
            WatchedTransport w = new WatchedTransport(t);
            watched.complete(w);
            return w;
        });
        try (RawClient c = RawClient.connect(uri)) {
            WatchedTransport t = watched.get(10, TimeUnit.SECONDS);
            assertTrue(t.delegate instanceof UndertowTransport);
            assertFalse(t.isSecure());
            for (int i = 0; i < 50; i++) {
                c.sendText("m" + i);
                assertEquals("m" + i, c.readMessage().text());
            }
            // Usually once per message; fewer when the next message is already there.
            assertTrue(t.waits.get() > 0, "the reader never parked");
            assertEquals(0, t.emptyReadsAfterWait.get(), "wake-ups without bytes among " + t.waits + " waits");
            c.sendClose(1000, "");
            c.expectClose(1000);
        }
        assertEquals(1000, echo.awaitSingleClose().code());
    }

    /** A client that sends its first frame with the request (before the 101): Undertow's extra bytes come first. */
    @Test
    @Timeout(30)
    void framesSentWithTheRequestArriveFirst() throws Exception {
        RecordingHandler echo = RecordingHandler.echo();
        URI uri = start(WebSocketServer.builder().handler(echo).build(), ResponseCodeHandler.HANDLE_404, UnaryOperator.identity());
        byte[] early = WireFrame.concat(WireFrame.maskedText("one"), WireFrame.maskedText("two"));

        try (RawClient c = RawClient.to(uri).earlyBytes(early).connect()) {
            assertEquals("one", c.readMessage().text());
            assertEquals("two", c.readMessage().text());
            c.sendText("three");
            assertEquals("three", c.readMessage().text());
        }
    }
}
