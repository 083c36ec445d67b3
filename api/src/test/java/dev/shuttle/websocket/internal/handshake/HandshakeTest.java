package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Accept key, request validation (RFC 6455 §4.2.1) and header token lists. */
class HandshakeTest {

    @Test
    void acceptKeyMatchesTheRfcExample() {
        // RFC 6455 §1.3 worked example.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void acceptKeyIgnoresSurroundingWhitespace() {
        // §1.3: the key is taken "minus any leading and trailing whitespace".
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("  dGhlIHNhbXBsZSBub25jZQ== "));
    }

    static Stream<Arguments> requests() {
        String key15 = Base64.getEncoder().encodeToString(new byte[15]);
        String key17 = Base64.getEncoder().encodeToString(new byte[17]);
        String unpadded = "dGhlIHNhbXBsZSBub25jZQ";
        return Stream.of(
                Arguments.of("valid", TestRequest.valid(), 0),
                Arguments.of("POST", withMethod("POST"), 405),
                Arguments.of("lower-case get", withMethod("get"), 405),
                Arguments.of("no Host", TestRequest.valid().without("Host"), 400),
                Arguments.of("empty Host", TestRequest.valid().replace("Host", " "), 400),
                Arguments.of("no Upgrade", TestRequest.valid().without("Upgrade"), 400),
                Arguments.of("Upgrade: h2c", TestRequest.valid().replace("Upgrade", "h2c"), 400),
                Arguments.of("Upgrade: WebSocket", TestRequest.valid().replace("Upgrade", "WebSocket"), 0),
                Arguments.of("Upgrade list", TestRequest.valid().replace("Upgrade", "h2c, websocket"), 0),
                Arguments.of("Upgrade on two lines", TestRequest.valid().replace("Upgrade", "h2c").with("Upgrade", "websocket"), 0),
                Arguments.of("no Connection", TestRequest.valid().without("Connection"), 400),
                Arguments.of("Connection: keep-alive", TestRequest.valid().replace("Connection", "keep-alive"), 400),
                Arguments.of("Connection: keep-alive, Upgrade", TestRequest.valid().replace("Connection", "keep-alive, Upgrade"), 0),
                Arguments.of("Connection on two lines", TestRequest.valid().replace("Connection", "keep-alive").with("Connection", "upgrade"), 0),
                Arguments.of("Connection: upgraded", TestRequest.valid().replace("Connection", "upgraded"), 400),
                Arguments.of("version 8", TestRequest.valid().replace("Sec-WebSocket-Version", "8"), 426),
                Arguments.of("version 13 and 8", TestRequest.valid().replace("Sec-WebSocket-Version", "13, 8"), 426),
                Arguments.of("no version", TestRequest.valid().without("Sec-WebSocket-Version"), 426),
                Arguments.of("no key", TestRequest.valid().without("Sec-WebSocket-Key"), 400),
                Arguments.of("key of 15 bytes", TestRequest.valid().replace("Sec-WebSocket-Key", key15), 400),
                Arguments.of("key of 17 bytes", TestRequest.valid().replace("Sec-WebSocket-Key", key17), 400),
                Arguments.of("non-base64 key", TestRequest.valid().replace("Sec-WebSocket-Key", "not base64 at all!!!!!!!"), 400),
                Arguments.of("unpadded key", TestRequest.valid().replace("Sec-WebSocket-Key", unpadded), 400),
                Arguments.of("two keys", TestRequest.valid().with("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="), 400),
                Arguments.of("mixed-case names", TestRequest.of("GET")
                        .with("host", "server.example.com")
                        .with("UPGRADE", "websocket")
                        .with("connection", "upgrade")
                        .with("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                        .with("SEC-WEBSOCKET-VERSION", "13"), 0));
    }

    private static TestRequest withMethod(String method) {
        TestRequest r = TestRequest.of(method);
        TestRequest valid = TestRequest.valid();
        for (String name : valid.headerNames()) {
            for (String value : valid.headers(name)) {
                r.with(name, value);
            }
        }
        return r;
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("requests")
    void validateAnswersTheExpectedStatus(String name, TestRequest request, int status) {
        HandshakeRefusal refusal = Handshake.validate(request);
        if (status == 0) {
            assertNull(refusal, () -> "expected valid, got " + refusal);
        } else {
            assertNotNull(refusal, "expected " + status);
            assertEquals(status, refusal.status());
            assertFalse(refusal.reason().isBlank());
        }
    }

    @Test
    void wrongMethodListsGet() {
        HandshakeRefusal refusal = Handshake.validate(withMethod("POST"));
        assertEquals(Map.of("Allow", "GET"), refusal.headers());
    }

    @Test
    void wrongOrMissingVersionListsThirteen() {
        HandshakeRefusal wrong = Handshake.validate(TestRequest.valid().replace("Sec-WebSocket-Version", "8"));
        HandshakeRefusal missing = Handshake.validate(TestRequest.valid().without("Sec-WebSocket-Version"));
        assertEquals(Map.of("Sec-WebSocket-Version", "13"), wrong.headers());
        assertEquals(Map.of("Sec-WebSocket-Version", "13"), missing.headers());
        assertEquals("missing Sec-WebSocket-Version", missing.reason());
    }

    @Test
    void reasonsNameTheFault() {
        assertEquals("missing Sec-WebSocket-Key", Handshake.validate(TestRequest.valid().without("Sec-WebSocket-Key")).reason());
        assertEquals("missing Host header", Handshake.validate(TestRequest.valid().without("Host")).reason());
    }

    @Test
    void firstFaultWins() {
        // POST without Host or key: the method is checked first (§4.2.1 order).
        HandshakeRefusal refusal = Handshake.validate(TestRequest.of("POST").with("Upgrade", "websocket"));
        assertEquals(405, refusal.status());
        // Wrong version and a bad key: the version is checked first, so the client can retry with 13.
        refusal = Handshake.validate(TestRequest.valid().replace("Sec-WebSocket-Version", "7").replace("Sec-WebSocket-Key", "x"));
        assertEquals(426, refusal.status());
    }

    @Test
    void isWebSocketUpgradeLooksOnlyAtUpgrade() {
        assertTrue(Handshake.isWebSocketUpgrade(TestRequest.of("POST").with("upgrade", "WEBSOCKET")));
        assertTrue(Handshake.isWebSocketUpgrade(TestRequest.of("GET").with("Upgrade", "foo, websocket")));
        assertFalse(Handshake.isWebSocketUpgrade(TestRequest.of("GET")));
        assertFalse(Handshake.isWebSocketUpgrade(TestRequest.of("GET").with("Upgrade", "h2c")));
        assertFalse(Handshake.isWebSocketUpgrade(TestRequest.of("GET").with("Upgrade", "websocket2")));
    }

    @Test
    void tokensSplitTrimAndDropEmpty() {
        assertEquals(List.of("a", "b", "c"), Handshake.tokens(List.of(" a ,b", ",, c ,")));
        assertEquals(List.of(), Handshake.tokens(List.of()));
        assertEquals(List.of(), Handshake.tokens(null));
        assertEquals(List.of("x"), Handshake.tokens(new ArrayList<>(Arrays.asList(null, "x"))));
    }

    @Test
    void tokensKeepQuotedCommasAndParameters() {
        assertEquals(List.of("foo; bar=\"a, b\"", "baz"), Handshake.tokens(List.of("foo; bar=\"a, b\", baz")));
        assertEquals(List.of("q=\"x\\\", y\"", "z"), Handshake.tokens(List.of("q=\"x\\\", y\", z")));
        assertEquals(List.of("permessage-deflate; client_max_window_bits", "x-webkit-deflate-frame"),
                Handshake.tokens(List.of("permessage-deflate; client_max_window_bits, x-webkit-deflate-frame")));
    }
}
