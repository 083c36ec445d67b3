package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Subprotocol selection (RFC 6455 §4.2.2 item 5.4, §11.3.4). */
class SubprotocolTest {

    private static String select(List<String> supported, String... lines) {
        TestRequest r = TestRequest.valid();
        for (String line : lines) {
            r.with("Sec-WebSocket-Protocol", line);
        }
        return Handshake.selectSubprotocol(r, supported);
    }

    @Test
    void serverPreferenceWins() {
        assertEquals("b", select(List.of("b", "a"), "a, b"));
        assertEquals("a", select(List.of("a", "b"), "b, a"));
    }

    @Test
    void noCommonProtocolIsNull() {
        assertNull(select(List.of("c"), "a, b"));
        assertNull(select(List.of(), "a"));
        assertNull(select(List.of("a")));
    }

    @Test
    void namesAreCaseSensitive() {
        assertNull(select(List.of("Chat"), "chat"));
        assertEquals("chat", select(List.of("Chat", "chat"), "chat"));
    }

    @Test
    void everyHeaderLineCountsAndBlanksAreIgnored() {
        assertEquals("b", select(List.of("b"), "a", " , b ,"));
    }

    @Test
    void neverReturnsAnUnofferedName() {
        // A client offering a prefix or superset of a name does not match it.
        assertNull(select(List.of("graphql-ws"), "graphql-ws-v2, graphql"));
    }
}
