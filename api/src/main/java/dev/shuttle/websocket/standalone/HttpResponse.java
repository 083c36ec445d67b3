package dev.shuttle.websocket.standalone;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A small, complete HTTP response for {@link HttpHandler}. The listener adds
 * {@code Content-Type}, {@code Content-Length} and {@code Connection: close}; for a HEAD request
 * it sends the headers without the body. The body array is not copied.
 *
 * @param status      a final status, 200 to 599
 * @param contentType the media type, e.g. {@code application/json}
 * @param body        the whole body (ignored for 204 and 304)
 */
public record HttpResponse(int status, String contentType, byte[] body) {
    /**
     * Checks the status and that nothing is null.
     *
     * @param status      a final status, 200 to 599
     * @param contentType the media type
     * @param body        the whole body
     */
    public HttpResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200 to 599: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /**
     * 200 with an HTML page in UTF-8.
     *
     * @param html the page
     * @return the response
     */
    public static HttpResponse html(String html) {
        return new HttpResponse(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A plain-text answer in UTF-8 with any status.
     *
     * @param status 200 to 599
     * @param text the body
     * @return the response
     */
    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
