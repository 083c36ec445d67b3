package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class RequestHeadParserTest {
    private static final String UPGRADE = "GET /chat?room=1&x HTTP/1.1\r\n"
            + "Host: example.com\r\n"
            + "upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Protocol: chat\r\n"
            + "Sec-WebSocket-Protocol:superchat \t\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RequestHead parse(String s) throws HttpException {
        RequestHeadParser p = new RequestHeadParser(8192, null);
        RequestHead head = p.feed(bytes(s));
        assertNotNull(head, "head should be complete");
        return head;
    }

    private static int status(String s, int max) {
        RequestHeadParser p = new RequestHeadParser(max, null);
        return assertThrows(HttpException.class, () -> p.feed(bytes(s))).status();
    }

    @Test
    void parsesRequestLineAndHeaders() throws HttpException {
        RequestHead head = parse(UPGRADE);
        assertEquals("GET", head.method());
        assertEquals("/chat", head.path());
        assertEquals("room=1&x", head.query());
        assertEquals("1", head.queryParameter("room"));
        assertEquals(1, head.minorVersion());
        assertEquals("websocket", head.header("Upgrade"));
        assertEquals("websocket", head.header("UPGRADE"));
        assertEquals(List.of("chat", "superchat"), head.headers("sec-websocket-protocol"));
        assertEquals(List.of("Host", "upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Protocol",
                "Sec-WebSocket-Version"), head.headerNames());
        assertEquals(List.of(), head.headers("Origin"));
        assertNull(head.header("Origin"));
    }

    @Test
    void keepsBytesAfterTheHead() throws HttpException {
        RequestHeadParser p = new RequestHeadParser(8192, null);
        assertNotNull(p.feed(bytes(UPGRADE + "\u0081\u0082abcdXY")));
        ByteBuffer rest = p.leftover();
        assertEquals("\u0081\u0082abcdXY", StandardCharsets.ISO_8859_1.decode(rest).toString());
    }

    @Test
    void noLeftoverWhenTheHeadEndsTheRead() throws HttpException {
        RequestHeadParser p = new RequestHeadParser(8192, null);
        assertNotNull(p.feed(bytes(UPGRADE)));
        assertNull(p.leftover());
    }

    @Test
    void headSplitAcrossManyReads() throws HttpException {
        RequestHeadParser p = new RequestHeadParser(8192, null);
        String all = UPGRADE + "tail";
        RequestHead head = null;
        for (int i = 0; i < all.length(); i++) {
            // One byte per read, the worst split: CR and LF of the terminator arrive apart.
            RequestHead h = p.feed(bytes(all.substring(i, i + 1)));
            if (h != null) {
                head = h;
                assertEquals(UPGRADE.length() - 1, i, "complete exactly at the blank line");
                break;
            }
            assertTrue(p.started());
        }
        assertNotNull(head);
        assertEquals("/chat", head.path());
        assertNull(p.leftover());
    }

    @Test
    void leftoverFromASplitRead() throws HttpException {
        RequestHeadParser p = new RequestHeadParser(8192, null);
        int cut = UPGRADE.length() - 3;
        assertNull(p.feed(bytes(UPGRADE.substring(0, cut))));
        assertNotNull(p.feed(bytes(UPGRADE.substring(cut) + "next")));
        assertEquals("next", StandardCharsets.ISO_8859_1.decode(p.leftover()).toString());
    }

    @Test
    void tooLongIs431() {
        String big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(600) + "\r\n\r\n";
        assertEquals(431, status(big, 512));
    }

    @Test
    void tooLongIs431EvenWhenItArrivesInPieces() throws HttpException {
        RequestHeadParser p = new RequestHeadParser(256, null);
        String part = "GET / HTTP/1.1\r\nHost: a\r\n";
        assertNull(p.feed(bytes(part)));
        HttpException e = assertThrows(HttpException.class, () -> {
            for (int i = 0; i < 100; i++) {
                p.feed(bytes("X-Pad: " + i + "\r\n"));
            }
        });
        assertEquals(431, e.status());
    }

    @Test
    void headOfExactlyTheLimitIsAccepted() throws HttpException {
        String base = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
        String head = base + "a".repeat(256 - base.length() - 4) + "\r\n\r\n";
        assertEquals(256, head.length());
        RequestHeadParser p = new RequestHeadParser(256, null);
        assertNotNull(p.feed(bytes(head + "more bytes after the head")));
        assertEquals("more bytes after the head", StandardCharsets.ISO_8859_1.decode(p.leftover()).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n",   // obs-fold, RFC 9112 §5.2
        "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n\ttwo\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Space : v\r\n\r\n",              // whitespace before the colon
        "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n",               // NUL in a value
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",                    // bare CR
        "GET / HTTP/1.1\nHost: a\r\n\r\n",                                 // bare LF
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",                              // double space
        "GET /\u0001 HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n",
        "GET /\r\nHost: a\r\n\r\n",
        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/x.1\r\nHost: a\r\n\r\n",
        "GET / http/1.1\r\nHost: a\r\n\r\n",
        "GET relative HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",                                          // no Host in HTTP/1.1
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "\r\n\r\n",
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n", // TLS hello-ish garbage
    })
    void malformedIs400(String head) {
        assertEquals(400, status(head, 8192));
    }

    @Test
    void otherMajorVersionIs505() {
        assertEquals(505, status("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 8192));
    }

    @Test
    void http10NeedsNoHost() throws HttpException {
        RequestHead head = parse("GET /x HTTP/1.0\r\n\r\n");
        assertEquals(0, head.minorVersion());
        assertEquals("/x", head.path());
        assertNull(head.query());
    }

    @Test
    void absoluteFormGivesPathAndQuery() throws HttpException {
        assertEquals("/a/b", parse("GET http://h:1/a/b?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").path());
        assertEquals("q=1", parse("GET http://h:1/a/b?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").query());
        assertEquals("/", parse("GET ws://h HTTP/1.1\r\nHost: h\r\n\r\n").path());
        assertEquals("z", parse("GET http://h?z HTTP/1.1\r\nHost: h\r\n\r\n").query());
    }

    @Test
    void valuesKeepObsTextAndInnerSpaces() throws HttpException {
        RequestHead head = parse("GET / HTTP/1.1\r\nHost: a\r\nX:  caf\u00e9  au lait \r\nEmpty:\r\n\r\n");
        assertEquals("caf\u00e9  au lait", head.header("x"));
        assertEquals("", head.header("empty"));
    }

    @Test
    void cookiesThroughTheRequestView() throws HttpException {
        RequestHead head = parse("GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1; b=\"2\"\r\nCookie: a=3\r\n\r\n");
        assertEquals("1", head.cookies().get("a"));
        assertEquals("2", head.cookies().get("b"));
    }
}
