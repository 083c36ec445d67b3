package dev.shuttle.websocket.standalone;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * Answers plain HTTP GET/HEAD requests (not upgrades) on the built-in listener, so that an
 * application can serve a page and a health endpoint beside its WebSocket. Return {@code null}
 * for 404.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HandshakeRequest request);
}
