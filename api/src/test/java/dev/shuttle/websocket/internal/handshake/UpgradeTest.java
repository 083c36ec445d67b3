package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Upgrade;

/** {@link WebSocketServer#upgrade} end to end as a pure function (the connection is never started). */
class UpgradeTest {

    private static WebSocketServer server() {
        return WebSocketServer.builder()
                .allowedOrigins("https://example.com")
                .subprotocols("chat.v2", "chat")
                .build();
    }

    @Test
    void validRequestIsSwitched() {
        Upgrade up = server().upgrade(TestRequest.valid()
                .with("Origin", "https://example.com")
                .with("Sec-WebSocket-Protocol", "chat, chat.v2"));
        assertTrue(up.accepted());
        assertEquals(101, up.status());
        assertEquals("", up.body());
        Map<String, String> h = up.headers();
        assertEquals("websocket", h.get("Upgrade"));
        assertEquals("Upgrade", h.get("Connection"));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", h.get("Sec-WebSocket-Accept"));
        assertEquals("chat.v2", h.get("Sec-WebSocket-Protocol"));
    }

    @Test
    void noCommonSubprotocolOmitsTheHeader() {
        Upgrade up = server().upgrade(TestRequest.valid().with("Sec-WebSocket-Protocol", "mqtt"));
        assertEquals(101, up.status());
        assertFalse(up.headers().containsKey("Sec-WebSocket-Protocol"));
    }

    @Test
    void requestWithoutOriginIsAcceptedEvenWithAList() {
        assertEquals(101, server().upgrade(TestRequest.valid()).status());
    }

    @Test
    void disallowedOriginIs403() {
        Upgrade up = server().upgrade(TestRequest.valid().with("Origin", "https://evil.example"));
        assertFalse(up.accepted());
        assertEquals(403, up.status());
        assertThrows(IllegalStateException.class, () -> up.start(null));
    }

    @Test
    void invalidRequestCarriesTheRefusal() {
        Upgrade up = server().upgrade(TestRequest.valid().replace("Sec-WebSocket-Version", "8"));
        assertEquals(426, up.status());
        assertEquals("13", up.headers().get("Sec-WebSocket-Version"));
        assertFalse(up.body().isBlank());

        Upgrade post = server().upgrade(TestRequest.of("POST"));
        assertEquals(405, post.status());
        assertEquals("GET", post.headers().get("Allow"));
    }

    @Test
    void hookRejectionIsAnswered() {
        WebSocketServer ws = WebSocketServer.builder()
                .upgradeHook((request, attributes) -> {
                    throw new UpgradeRejectedException(401, "no").header("WWW-Authenticate", "Bearer");
                })
                .build();
        Upgrade up = ws.upgrade(TestRequest.valid());
        assertFalse(up.accepted());
        assertEquals(401, up.status());
        assertEquals("Bearer", up.headers().get("WWW-Authenticate"));
        assertEquals("no", up.body());
    }

    @Test
    void hookFailureIs500() {
        WebSocketServer ws = WebSocketServer.builder()
                .upgradeHook((request, attributes) -> {
                    throw new IllegalStateException("boom");
                })
                .build();
        assertEquals(500, ws.upgrade(TestRequest.valid()).status());
    }

    @Test
    void hookIsNotCalledForAnInvalidRequest() {
        boolean[] called = {false};
        WebSocketServer ws = WebSocketServer.builder()
                .upgradeHook((request, attributes) -> called[0] = true)
                .build();
        assertEquals(400, ws.upgrade(TestRequest.valid().without("Sec-WebSocket-Key")).status());
        assertFalse(called[0]);
        assertEquals(101, ws.upgrade(TestRequest.valid()).status());
        assertTrue(called[0]);
    }
}
