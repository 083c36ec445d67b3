package dev.shuttle.websocket.standalone;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A small, complete HTTP response for {@link HttpHandler}. */
public record HttpResponse(int status, String contentType, byte[] body) {
    public HttpResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    public static HttpResponse html(String html) {
        return new HttpResponse(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
