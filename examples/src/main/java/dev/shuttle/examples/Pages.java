package dev.shuttle.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;

/**
 * The one page every example serves at {@code /} (a self-contained HTML client, no external
 * assets), and {@code /health}. The page template has two placeholders, {@code {{title}}} and
 * {@code {{explanation}}}, filled in once per example.
 */
final class Pages {
    private static final String TEMPLATE = load("page.html");

    private Pages() {
    }

    /** GET {@code /} → the page, {@code /health} → 200 "ok", anything else → 404 (null). */
    static HttpHandler handler(String title, String explanation) {
        // Rendered once: the page is the same for every request.
        HttpResponse page = HttpResponse.html(render(title, explanation));
        HttpResponse ok = HttpResponse.text(200, "ok");
        return request -> switch (request.path()) {
            case "/", "/index.html" -> page;
            case "/health" -> ok;
            default -> null;
        };
    }

    static String render(String title, String explanation) {
        return TEMPLATE.replace("{{title}}", escape(title)).replace("{{explanation}}", escape(explanation));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String load(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + Pages.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
