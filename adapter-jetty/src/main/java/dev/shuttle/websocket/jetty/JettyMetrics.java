package dev.shuttle.websocket.jetty;

import java.nio.ByteBuffer;
import java.util.Objects;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.standalone.HttpResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /metrics} (Prometheus text format 0.0.4) and {@code /health} of a {@link ShuttleMetrics}
 * on Jetty 12 core, the same answers as on the built-in listener:
 * <pre>{@code
 * jetty.setHandler(JettyMetrics.handler(metrics, JettyWebSocket.handler(ws, appHandler)));
 * }</pre>
 * Paths are matched within the handler's context ({@code Request.getPathInContext}); only GET
 * and HEAD are answered, everything else goes on.
 */
public final class JettyMetrics {
    private JettyMetrics() {
    }

    /**
     * A handler answering {@code /metrics}, {@code /health}, {@code /health/live} and
     * {@code /health/ready}, and declining every other request (404, or the next handler of a
     * {@code Handler.Sequence}).
     *
     * @param metrics the figures to serve
     * @return the handler
     */
    public static Handler handler(ShuttleMetrics metrics) {
        return new MetricsHandler(metrics, null);
    }

    /**
     * As {@link #handler(ShuttleMetrics)}, passing every other request to {@code next}.
     *
     * @param metrics the figures to serve
     * @param next the handler for everything else
     * @return the handler
     */
    public static Handler handler(ShuttleMetrics metrics, Handler next) {
        return new MetricsHandler(metrics, Objects.requireNonNull(next, "next"));
    }

    private static final class MetricsHandler extends Handler.Wrapper {
        private final ShuttleMetrics metrics;

        MetricsHandler(ShuttleMetrics metrics, Handler next) {
            super(next);
            this.metrics = Objects.requireNonNull(metrics, "metrics");
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String method = request.getMethod();
            boolean head = HttpMethod.HEAD.is(method);
            HttpResponse answer = head || HttpMethod.GET.is(method) ? metrics.respond(Request.getPathInContext(request)) : null;
            if (answer == null) {
                return super.handle(request, response, callback);
            }
            response.setStatus(answer.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
            response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(answer.body()), callback);
            return true;
        }
    }
}
