package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;

/** The opening handshake (RFC 6455 §4.2) on the raw socket: refusals, subprotocols, the upgrade hook. */
public abstract class HandshakeCases extends CloseCases {

    private URI startEcho() throws Exception {
        return start(RecordingHandler.echo());
    }

    @Test
    @Timeout(20)
    void missingKeyIs400() throws Exception {
        RawClient.HttpHead head = RawClient.to(startEcho()).header("Sec-WebSocket-Key", null).exchange();
        assertEquals(400, head.status(), head.statusLine());
    }

    @Test
    @Timeout(20)
    void wrongVersionIs426WithSupportedVersion() throws Exception {
        RawClient.HttpHead head = RawClient.to(startEcho()).header("Sec-WebSocket-Version", "8").exchange();
        assertEquals(426, head.status(), head.statusLine());
        assertEquals("13", head.header("Sec-WebSocket-Version"), "§4.4: the versions the server speaks");
    }

    @Test
    @Timeout(20)
    void postIs405() throws Exception {
        RawClient.HttpHead head = RawClient.to(startEcho()).method("POST").header("Content-Length", "0").exchange();
        assertEquals(405, head.status(), head.statusLine());
    }

    @Test
    @Timeout(20)
    void originNotAllowedIs403() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        URI uri = start(WebSocketServer.builder().handler(handler).allowedOrigins("http://good.example").build());

        RawClient.HttpHead bad = RawClient.to(uri).header("Origin", "http://evil.example").exchange();
        assertEquals(403, bad.status(), bad.statusLine());
        try (RawClient good = RawClient.to(uri).header("Origin", "http://GOOD.example").connect()) {
            good.sendText("hi");
            assertEquals("hi", good.readMessage().text());
        }
        assertTrue(handler.opened.isDone() && handler.messages.size() == 1, "only the allowed origin connected");
    }

    @Test
    @Timeout(20)
    void upgradeHookRejectionSendsItsStatusAndHeaders() throws Exception {
        AtomicInteger hookCalls = new AtomicInteger();
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(WebSocketServer.builder().handler(handler)
                .upgradeHook((request, attributes) -> {
                    hookCalls.incrementAndGet();
                    if (!"secret".equals(request.header("Authorization"))) {
                        throw new UpgradeRejectedException(401, "who are you").header("WWW-Authenticate", "Bearer");
                    }
                })
                .build());

        RawClient.HttpHead head = RawClient.to(uri).exchange();
        assertEquals(401, head.status(), head.statusLine());
        assertEquals("Bearer", head.header("WWW-Authenticate"));
        assertEquals(1, hookCalls.get());
        assertTrue(!handler.opened.isDone(), "no connection after a refusal");

        try (RawClient ok = RawClient.to(uri).header("Authorization", "secret").connect()) {
            assertEquals(101, ok.head().status());
            assertNotNull(handler.connection(), "the hook lets a good request through");
        }
    }

    @Test
    @Timeout(20)
    void subprotocolIsSelectedFromTheClientsOffer() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(WebSocketServer.builder().handler(handler).subprotocols("b").build());

        try (RawClient c = RawClient.to(uri).header("Sec-WebSocket-Protocol", "a, b").connect()) {
            assertEquals("b", c.head().header("Sec-WebSocket-Protocol"));
            assertEquals("b", handler.connection().subprotocol());
        }
    }

    @Test
    @Timeout(20)
    void noCommonSubprotocolMeansNone() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(WebSocketServer.builder().handler(handler).subprotocols("b").build());

        try (RawClient c = RawClient.to(uri).header("Sec-WebSocket-Protocol", "x").connect()) {
            assertNull(c.head().header("Sec-WebSocket-Protocol"), "§4.2.2: no header when none is chosen");
            assertNull(handler.connection().subprotocol());
        }
    }

    @Test
    @Timeout(20)
    void jdkClientGetsTheSubprotocol() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        JdkClient client = jdk(start(WebSocketServer.builder().handler(handler).subprotocols("chat.v2", "chat.v1").build()),
                "chat.v1", "chat.v2");
        assertEquals("chat.v2", client.subprotocol(), "the server's preference wins");
        assertEquals("chat.v2", handler.connection().subprotocol());
    }

    @Test
    @Timeout(20)
    void hookAttributesAndRequestAreVisibleOnTheConnection() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(WebSocketServer.builder().handler(handler)
                .options(Options.defaults().toBuilder().keepRequestHeaders(true).build())
                .upgradeHook((request, attributes) -> attributes.put("user", request.queryParameter("user")))
                .build());

        try (RawClient c = RawClient.to(uri).target("/chat/room1?user=alice&x=1")
                .header("X-Test", "yes").header("Cookie", "session=abc; theme=dark").connect()) {
            WebSocket w = handler.connection();
            assertEquals("alice", w.attribute("user"));
            assertEquals("alice", w.attributes().get("user"));
            assertEquals("/chat/room1", w.path());
            assertEquals("/chat/room1", w.request().path());
            assertEquals("user=alice&x=1", w.request().query());
            assertEquals("1", w.request().queryParameter("x"));
            assertEquals("yes", w.request().header("x-test"), "header names are case-insensitive");
            assertEquals("abc", w.request().cookies().get("session"));
            assertEquals("GET", w.request().method());
            assertNotNull(w.remoteAddress());
            assertEquals(c.socket().getLocalPort(), w.remoteAddress().getPort());
            assertEquals(uri.getPort(), w.localAddress().getPort());
            w.attribute("late", 42);
            assertEquals(Integer.valueOf(42), w.attribute("late"));
        }
    }

    /**
     * By default a connection keeps of its request only what the upgrade hook looked at: path,
     * query, method, the headers it read by name (cookies included); the others are gone.
     */
    @Test
    @Timeout(20)
    void theConnectionKeepsOnlyTheHeadersTheHookRead() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        URI uri = start(WebSocketServer.builder().handler(handler)
                .upgradeHook((request, attributes) -> {
                    request.header("x-wanted");
                    request.cookies();
                })
                .build());

        try (RawClient c = RawClient.to(uri).target("/room?x=1")
                .header("X-Wanted", "yes").header("X-Other", "no").header("Cookie", "session=abc").connect()) {
            WebSocket w = handler.connection();
            assertEquals("/room", w.request().path());
            assertEquals("x=1", w.request().query());
            assertEquals("GET", w.request().method());
            assertEquals("yes", w.request().header("X-WANTED"));
            assertEquals("abc", w.request().cookies().get("session"));
            assertNull(w.request().header("X-Other"), "a header the hook did not read is not kept");
            assertNull(w.request().header("User-Agent"));
            assertNotNull(w.request().remoteAddress());
        }
    }
}
