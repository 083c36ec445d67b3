package dev.shuttle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;
import org.junit.jupiter.api.Test;

/** The page and the health endpoint, through the HttpHandler alone (no listener needed). */
class PagesTest {
    private final HttpHandler handler = Pages.handler("T <1>", "E & more");

    @Test
    void rootServesThePageWithItsPlaceholdersFilledAndEscaped() {
        HttpResponse page = handler.handle(get("/"));
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"));
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<title>T &lt;1&gt;</title>"), html);
        assertTrue(html.contains("E &amp; more"));
        assertFalse(html.contains("{{"), "every placeholder is filled");
        // Self-contained: nothing fetched from elsewhere.
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="), "no external assets");
    }

    @Test
    void healthSaysOk() {
        HttpResponse health = handler.handle(get("/health"));
        assertEquals(200, health.status());
        assertEquals("ok", new String(health.body(), StandardCharsets.UTF_8));
    }

    @Test
    void otherPathsAre404() {
        assertNull(handler.handle(get("/favicon.ico")));
    }

    private static HandshakeRequest get(String path) {
        return new HandshakeRequest() {
            @Override public String method() { return "GET"; }
            @Override public String path() { return path; }
            @Override public String query() { return null; }
            @Override public List<String> headers(String name) { return List.of(); }
            @Override public List<String> headerNames() { return List.of(); }
            @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 1); }
        };
    }
}
