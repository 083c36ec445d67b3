package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.shuttle.websocket.WebSocketHandshakeException;
import org.junit.jupiter.api.Test;

/** The client's handshake from bytes: the request it writes and every way it refuses an answer (RFC 6455 §4.1). */
class ClientHandshakeTest {
    /** The example key of RFC 6455 §1.3 and its accept value. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static String request(String uri, String origin, List<String> protocols, String extensions,
                                  List<Map.Entry<String, String>> headers) {
        return new String(ClientHandshake.request(URI.create(uri), KEY, origin, protocols, extensions, headers), StandardCharsets.UTF_8);
    }

    private static ResponseHead head(String text) throws WebSocketHandshakeException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        int end = ResponseHead.endOfHead(b, b.length);
        assertTrue(end > 0, "a complete head");
        return ResponseHead.parse(b, end);
    }

    private static String ok(String extra) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + ACCEPT + "\r\n" + extra + "\r\n";
    }

    private static WebSocketHandshakeException refused(String response, List<String> protocols, String extensions) {
        return assertThrows(WebSocketHandshakeException.class,
                () -> ClientHandshake.check(head(response), KEY, protocols, extensions));
    }

    @Test
    void keyIsSixteenRandomBytesInBase64() {
        String a = ClientHandshake.newKey();
        assertEquals(24, a.length());
        assertEquals(16, Base64.getDecoder().decode(a).length);
        assertNotEquals(a, ClientHandshake.newKey());
    }

    @Test
    void minimalRequest() {
        assertEquals("GET / HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
                request("ws://example.com", null, List.of(), null, List.of()));
    }

    @Test
    void requestWithEverything() {
        String r = request("wss://example.com:8443/chat/room%201?a=b&c", "https://app.example", List.of("v2.chat", "chat"),
                "x-foo; bar=1", List.of(new AbstractMap.SimpleImmutableEntry<>("Authorization", "Bearer t"),
                        new AbstractMap.SimpleImmutableEntry<>("Cookie", "s=1")));
        assertTrue(r.startsWith("GET /chat/room%201?a=b&c HTTP/1.1\r\nHost: example.com:8443\r\n"), r);
        assertTrue(r.contains("\r\nOrigin: https://app.example\r\n"), r);
        assertTrue(r.contains("\r\nSec-WebSocket-Protocol: v2.chat, chat\r\n"), r);
        assertTrue(r.contains("\r\nSec-WebSocket-Extensions: x-foo; bar=1\r\n"), r);
        assertTrue(r.endsWith("\r\nAuthorization: Bearer t\r\nCookie: s=1\r\n\r\n"), r);
    }

    @Test
    void hostCarriesOnlyANonDefaultPort() {
        assertTrue(request("ws://h:80/", null, List.of(), null, List.of()).contains("\r\nHost: h\r\n"));
        assertTrue(request("wss://h:443/", null, List.of(), null, List.of()).contains("\r\nHost: h\r\n"));
        assertTrue(request("ws://h:443/", null, List.of(), null, List.of()).contains("\r\nHost: h:443\r\n"));
        assertTrue(request("ws://[::1]:9000/", null, List.of(), null, List.of()).contains("\r\nHost: [::1]:9000\r\n"));
    }

    @Test
    void customHostReplacesTheComputedOne() {
        String r = request("ws://127.0.0.1:9000/", null, List.of(), null, List.of(new AbstractMap.SimpleImmutableEntry<>("host", "virtual.example")));
        assertTrue(r.contains("\r\nhost: virtual.example\r\n") && !r.contains("Host: 127"), r);
    }

    @Test
    void customHeadersAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ClientHandshake.checkCustomHeader("X-A", "v\r\nEvil: 1"));
        assertThrows(IllegalArgumentException.class, () -> ClientHandshake.checkCustomHeader("Bad Name", "v"));
        assertThrows(IllegalArgumentException.class, () -> ClientHandshake.checkCustomHeader("sec-websocket-key", "v"));
        assertThrows(IllegalArgumentException.class, () -> ClientHandshake.checkCustomHeader("Connection", "close"));
        ClientHandshake.checkCustomHeader("Authorization", "Basic dTpw");
    }

    @Test
    void onlyWsAndWssSchemes() {
        assertTrue(ClientHandshake.isSecure(URI.create("wss://h/")));
        assertThrows(IllegalArgumentException.class, () -> ClientHandshake.isSecure(URI.create("ftp://h/")));
    }

    @Test
    void acceptsAValidAnswer() throws Exception {
        ClientHandshake.Accepted a = ClientHandshake.check(head(ok("")), KEY, List.of(), null);
        assertNull(a.subprotocol());
        assertEquals(List.of(), a.extensions());
    }

    @Test
    void upgradeAndConnectionAreCaseInsensitiveTokens() throws Exception {
        String r = "HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\nsec-websocket-accept: " + ACCEPT + "\r\n\r\n";
        ClientHandshake.check(head(r), KEY, List.of(), null);
    }

    @Test
    void acceptsAnOfferedSubprotocolAndExtension() throws Exception {
        ClientHandshake.Accepted a = ClientHandshake.check(head(ok("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: X-Foo; bar=2\r\n")),
                KEY, List.of("v2.chat", "chat"), "x-foo; bar=1, x-baz");
        assertEquals("chat", a.subprotocol());
        assertEquals(List.of("X-Foo; bar=2"), a.extensions());
    }

    /** RFC 7692 §7.1: permessage-deflate's answer is checked against our offer in the same negotiation. */
    @Test
    void negotiatesPermessageDeflate() throws Exception {
        ClientHandshake.Accepted a = ClientHandshake.check(head(ok("Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n")),
                KEY, List.of(), "permessage-deflate");
        assertEquals(10, a.deflate().serverMaxWindowBits());
        assertNull(ClientHandshake.check(head(ok("")), KEY, List.of(), "permessage-deflate").deflate());
        // A limit on our own compressor's window: java.util.zip cannot honour it, and we never offered it.
        WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class, () -> ClientHandshake.check(
                head(ok("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=9\r\n")), KEY, List.of(), "permessage-deflate"));
        assertTrue(e.getMessage().contains("client_max_window_bits"), e.getMessage());
        // Low memory: we asked for server_no_context_takeover, the answer must agree (§7.1.1.1).
        assertThrows(WebSocketHandshakeException.class, () -> ClientHandshake.check(
                head(ok("Sec-WebSocket-Extensions: permessage-deflate\r\n")), KEY, List.of(),
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
    }

    @Test
    void refusesAnotherStatusWithStatusAndHeaders() {
        WebSocketHandshakeException e = refused("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Why: no\r\n\r\n", List.of(), null);
        assertEquals(403, e.status());
        assertEquals("server answered 403 Forbidden", e.getMessage());
        assertEquals("no", e.header("x-why"));
        assertEquals(List.of("0"), e.headers().get("content-length"));
        assertEquals(200, refused("HTTP/1.1 200 OK\r\n\r\n", List.of(), null).status());
    }

    @Test
    void refusesWithoutUpgrade() {
        WebSocketHandshakeException e = refused("HTTP/1.1 101 S\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + ACCEPT + "\r\n\r\n", List.of(), null);
        assertEquals(101, e.status());
        assertTrue(e.getMessage().contains("Upgrade"), e.getMessage());
        refused("HTTP/1.1 101 S\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + ACCEPT + "\r\n\r\n", List.of(), null);
    }

    @Test
    void refusesWithoutConnectionUpgrade() {
        WebSocketHandshakeException e = refused("HTTP/1.1 101 S\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: " + ACCEPT + "\r\n\r\n", List.of(), null);
        assertTrue(e.getMessage().contains("Connection"), e.getMessage());
    }

    @Test
    void refusesAMissingOrWrongAccept() {
        assertTrue(refused("HTTP/1.1 101 S\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", List.of(), null)
                .getMessage().contains("lacks Sec-WebSocket-Accept"));
        WebSocketHandshakeException e = refused("HTTP/1.1 101 S\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Handshake.acceptKey("AAAAAAAAAAAAAAAAAAAAAA==") + "\r\n\r\n", List.of(), null);
        assertEquals("Sec-WebSocket-Accept mismatch", e.getMessage());
        refused(ok("Sec-WebSocket-Accept: " + ACCEPT + "\r\n"), List.of(), null); // two values
    }

    @Test
    void refusesASubprotocolThatWasNotOffered() {
        assertTrue(refused(ok("Sec-WebSocket-Protocol: chat\r\n"), List.of(), null).getMessage().contains("none was offered"));
        refused(ok("Sec-WebSocket-Protocol: Chat\r\n"), List.of("chat"), null); // names are case-sensitive
        refused(ok("Sec-WebSocket-Protocol: chat, v2\r\n"), List.of("chat", "v2"), null); // one, not two
    }

    @Test
    void refusesAnExtensionThatWasNotOffered() {
        assertTrue(refused(ok("Sec-WebSocket-Extensions: permessage-deflate\r\n"), List.of(), null)
                .getMessage().contains("permessage-deflate"));
        refused(ok("Sec-WebSocket-Extensions: x-bar\r\n"), List.of(), "x-foo");
        refused(ok("Sec-WebSocket-Extensions: x-foo, x-foo\r\n"), List.of(), "x-foo");
    }

    @Test
    void refusesWhatIsNotHttp() {
        assertEquals(0, assertThrows(WebSocketHandshakeException.class, () -> head("SSH-2.0-OpenSSH\r\n\r\n")).status());
        assertThrows(WebSocketHandshakeException.class, () -> head("HTTP/1.1 1O1 X\r\n\r\n"));
        assertThrows(WebSocketHandshakeException.class, () -> head("HTTP/1.1 101 X\r\nBad Header: x\r\n\r\n"));
        assertThrows(WebSocketHandshakeException.class, () -> head("HTTP/1.1 101 X\r\nNoColon\r\n\r\n"));
    }

    @Test
    void parsesFoldedLinesAndBareLineFeeds() throws Exception {
        ResponseHead h = head("HTTP/1.1 101\nX-A: one\n  two\nx-a: three\n\n");
        assertEquals(101, h.status());
        assertEquals("", h.reason());
        assertEquals(List.of("one two", "three"), h.headers("X-A"));
    }

    @Test
    void endOfHeadFindsTheBlankLine() {
        byte[] b = "HTTP/1.1 101 S\r\nA: b\r\n\r\n\u0081\u0002hi".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(b.length - 4, ResponseHead.endOfHead(b, b.length));
        assertEquals(-1, ResponseHead.endOfHead(b, b.length - 6));
    }
}
