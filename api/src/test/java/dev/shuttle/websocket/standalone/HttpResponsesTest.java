package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpResponsesTest {
    private static String text(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b).toString();
    }

    @Test
    void switchingProtocolsHasNoBodyAndKeepsConnectionUpgrade() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", text(HttpResponses.switchingProtocols(h)));
    }

    @Test
    void refusalIsPlainTextWithLengthAndClose() {
        String r = text(HttpResponses.text(426, Map.of("Sec-WebSocket-Version", "13", "Connection", "keep-alive"), "bad version", true));
        assertTrue(r.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), r);
        assertTrue(r.contains("\r\nSec-WebSocket-Version: 13\r\n"), r);
        assertTrue(r.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), r);
        assertTrue(r.contains("\r\nContent-Length: 12\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
        assertFalse(r.contains("keep-alive"), r);
        assertTrue(r.endsWith("\r\n\r\nbad version\n"), r);
    }

    @Test
    void headerInjectionIsDropped() {
        String r = text(HttpResponses.text(401, Map.of("X-Evil", "a\r\nSet-Cookie: x=1", "Bad Name", "v"), "no", true));
        assertFalse(r.contains("Set-Cookie"), r);
        assertFalse(r.contains("Bad Name"), r);
    }

    @Test
    void headHasLengthButNoBody() {
        String r = text(HttpResponses.complete(200, Map.of(), "text/html", "hello".getBytes(StandardCharsets.UTF_8), false));
        assertTrue(r.contains("Content-Length: 5\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n"), r);
    }

    @Test
    void noContentHasNoLength() {
        String r = text(HttpResponses.complete(204, Map.of(), "text/html", new byte[3], true));
        assertEquals("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", r);
    }

    @Test
    void reasonPhrases() {
        assertEquals("Request Header Fields Too Large", HttpResponses.reason(431));
        assertEquals("Service Unavailable", HttpResponses.reason(503));
        assertEquals("", HttpResponses.reason(599));
    }
}
