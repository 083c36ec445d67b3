package dev.shuttle.websocket.undertow;

import java.nio.ByteBuffer;
import java.util.Objects;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.standalone.HttpResponse;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * {@code /metrics} (Prometheus text format 0.0.4) and {@code /health} of a {@link ShuttleMetrics}
 * on Undertow core, the same answers as on the built-in listener:
 * <pre>{@code
 * Undertow.builder().setHandler(UndertowMetrics.handler(metrics, UndertowWebSocket.handler(ws, app)));
 * }</pre>
 * Paths are matched against the exchange's relative path (within a {@code PathHandler} prefix);
 * only GET and HEAD are answered, everything else goes to {@code next}. Answering is quick and
 * does not block, so it runs on the I/O thread.
 */
public final class UndertowMetrics {
    private UndertowMetrics() {
    }

    /**
     * A handler answering {@code /metrics}, {@code /health}, {@code /health/live} and
     * {@code /health/ready}, and 404 for the rest.
     *
     * @param metrics the figures to serve
     * @return the handler
     */
    public static HttpHandler handler(ShuttleMetrics metrics) {
        return handler(metrics, ResponseCodeHandler.HANDLE_404);
    }

    /**
     * As {@link #handler(ShuttleMetrics)}, passing every other request to {@code next}.
     *
     * @param metrics the figures to serve
     * @param next the handler for everything else
     * @return the handler
     */
    public static HttpHandler handler(ShuttleMetrics metrics, HttpHandler next) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(next, "next");
        return exchange -> {
            boolean head = Methods.HEAD.equals(exchange.getRequestMethod());
            HttpResponse answer = head || Methods.GET.equals(exchange.getRequestMethod()) ? metrics.respond(exchange.getRelativePath()) : null;
            if (answer == null) {
                next.handleRequest(exchange);
                return;
            }
            send(exchange, answer, head);
        };
    }

    private static void send(HttpServerExchange exchange, HttpResponse answer, boolean head) {
        exchange.setStatusCode(answer.status());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, answer.contentType());
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, answer.body().length);
        if (head) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(answer.body()));
        }
    }
}
