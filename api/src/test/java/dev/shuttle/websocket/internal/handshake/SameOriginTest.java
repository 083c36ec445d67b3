package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Upgrade;

/**
 * The default Origin check (no allow-list): same-origin only, the Origin's host and port against
 * the Host header, like gorilla/websocket, with default ports understood (RFC 6454 §4, RFC 6455 §10.2).
 */
class SameOriginTest {

    @ParameterizedTest(name = "origin [{0}] host [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "http://example.com          | example.com          | true",
        "https://example.com         | example.com          | true",
        "HTTP://Example.COM          | EXAMPLE.com          | true",
        "http://example.com/         | example.com          | true",
        "http://example.com:8080     | example.com:8080     | true",
        "http://example.com          | example.com:80       | true",
        "http://example.com:80       | example.com          | true",
        "https://example.com         | example.com:443      | true",
        "wss://example.com           | example.com:443      | true",
        "https://example.com:443     | example.com          | true",
        "http://example.com:080      | example.com:80       | true",
        "https://example.com         | example.com:80       | false",
        "http://example.com          | example.com:443      | false",
        "http://example.com:8080     | example.com          | false",
        "http://example.com          | example.com:8080     | false",
        "http://example.com:8080     | example.com:8081     | false",
        "https://evil.example        | example.com          | false",
        "https://example.com.evil.io | example.com          | false",
        "https://evil.io             | example.com.evil.io  | false",
        "http://[::1]:8080           | [::1]:8080           | true",
        "http://[::1]                | [::1]:80             | true",
        "http://[::1]:8080           | [::2]:8080           | false",
        "http://[::1]:8080           | [::1]:8081           | false",
        "http://[::1]:8080           | 127.0.0.1:8080       | false",
        "http://127.0.0.1:8080       | 127.0.0.1:8080       | true",
        "http://localhost:8080       | 127.0.0.1:8080       | false",
        "null                        | example.com          | false",
        "NULL                        | example.com          | false",
        "example.com                 | example.com          | false",
        "http://example.com/app      | example.com          | false",
        "http://user@example.com     | example.com          | false",
        "http://example.com:x        | example.com          | false",
        "http://                     | example.com          | false",
        "http://example.com          | NULL                 | false",
    })
    void sameOrigin(String origin, String host, boolean expected) {
        assertEquals(expected, Handshake.sameOrigin(origin, host));
    }

    @Test
    void withoutAListOnlyTheSameOriginPasses() {
        assertEquals(true, Handshake.originAllowed("http://example.com", "example.com", List.of()));
        assertEquals(false, Handshake.originAllowed("http://evil.example", "example.com", List.of()));
        assertEquals(false, Handshake.originAllowed("http://evil.example", "example.com", null));
    }

    @Test
    void aRequestWithoutOriginIsAllowedEitherWay() {
        assertEquals(true, Handshake.originAllowed(null, "example.com", List.of()));
        assertEquals(true, Handshake.originAllowed(null, "example.com", List.of("https://other.example")));
    }

    @Test
    void anAllowListIgnoresTheHost() {
        List<String> list = List.of("https://app.example");
        assertEquals(true, Handshake.originAllowed("https://app.example", "api.example", list));
        assertEquals(false, Handshake.originAllowed("https://api.example", "api.example", list));
    }

    // ---- the same decisions through WebSocketServer.upgrade (status codes)

    private static int status(WebSocketServer server, String origin, String host) {
        TestRequest r = TestRequest.valid().replace("Host", host);
        if (origin != null) {
            r = r.with("Origin", origin);
        }
        Upgrade up = server.upgrade(r);
        return up.status();
    }

    @Test
    void byDefaultAForeignOriginIs403AndTheSameOriginIs101() {
        WebSocketServer server = WebSocketServer.builder().build();
        assertEquals(403, status(server, "https://evil.example", "example.com"));
        assertEquals(101, status(server, "https://example.com", "example.com"));
        assertEquals(101, status(server, null, "example.com"));
    }

    @Test
    void allowAnyOriginOptsOut() {
        WebSocketServer server = WebSocketServer.builder().allowAnyOrigin().build();
        assertEquals(101, status(server, "https://evil.example", "example.com"));
        assertEquals(101, status(server, "null", "example.com"));
    }

    @Test
    void anAllowListKeepsItsMeaning() {
        WebSocketServer server = WebSocketServer.builder().allowedOrigins("https://app.example").build();
        assertEquals(101, status(server, "https://app.example", "api.example"));
        assertEquals(403, status(server, "https://api.example", "api.example"));
        assertEquals(101, status(server, null, "api.example"));
    }
}
