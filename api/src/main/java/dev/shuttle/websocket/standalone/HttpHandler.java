package dev.shuttle.websocket.standalone;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * Answers plain HTTP GET/HEAD requests (not upgrades) on the built-in listener, so that an
 * application can serve a page and a health endpoint beside its WebSocket. Return {@code null}
 * for 404. Other methods get 405 without reaching the handler; request bodies are not read.
 * <p>
 * Runs on the connection's own virtual thread, so it may block; it should be quick all the same,
 * since the connection counts against {@link ListenerOptions#maxConnections()} meanwhile. A
 * handler that throws produces a 500. The request's path is not percent-decoded.
 */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Answers a plain GET or HEAD request.
     *
     * @param request method, path, query and headers
     * @return the answer, or {@code null} for 404
     */
    HttpResponse handle(HandshakeRequest request);
}
