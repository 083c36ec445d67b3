package dev.shuttle.websocket.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.WebSocketServer;

/** The head guard of {@link RequestCopy.Builder}: counted as on the wire, nothing kept past the limit. */
class RequestCopyTest {
    private static final String LINE = "GET /chat?room=1 HTTP/1.1\r\n";

    @Test
    void countsTheHeadAsTheWireCarriesIt() {
        RequestCopy.Builder b = RequestCopy.builder("GET", "/chat", "room=1", null, 1000);
        b.header("Host", "example.com").header("Upgrade", "websocket");
        long wire = (LINE + "Host: example.com\r\n" + "Upgrade: websocket\r\n" + "\r\n").length();
        assertEquals(wire, b.headBytes());
        assertFalse(b.tooLarge());
        RequestCopy copy = b.build();
        assertEquals(List.of("Host", "Upgrade"), copy.headerNames());
        assertEquals("websocket", copy.header("upgrade"));
    }

    @Test
    void aHeadExactlyAtTheLimitPasses() {
        long wire = (LINE + "X: 12345\r\n" + "\r\n").length();
        RequestCopy.Builder b = RequestCopy.builder("GET", "/chat", "room=1", null, (int) wire);
        b.header("X", "12345");
        assertFalse(b.tooLarge());
        assertEquals(1, b.build().headers("X").size());
    }

    @Test
    void pastTheLimitItForgetsWhatItCopiedAndAnswers431WithoutAskingTheServer() {
        RequestCopy.Builder b = RequestCopy.builder("GET", "/", null, null, 256);
        b.header("Host", "example.com");
        for (int i = 0; i < 100; i++) {
            b.header("X-Pad-" + i, "p".repeat(100));
        }
        assertTrue(b.tooLarge());
        assertThrows(IllegalStateException.class, b::build);
        // The server's handshake would refuse this request with 400; 431 shows it was never asked.
        Upgrade refusal = b.upgrade(WebSocketServer.builder().build());
        assertFalse(refusal.accepted());
        assertEquals(431, refusal.status());
        assertEquals("close", refusal.headers().get("Connection"));
        assertTrue(refusal.body().contains("256"), refusal.body());
    }

    @Test
    void aRequestLineAloneCanBeTooLarge() {
        RequestCopy.Builder b = RequestCopy.builder("GET", "/" + "a".repeat(300), null, null, 256);
        assertTrue(b.tooLarge());
        b.header("Host", "example.com");
        assertEquals(431, b.upgrade(WebSocketServer.builder().build()).status());
    }
}
