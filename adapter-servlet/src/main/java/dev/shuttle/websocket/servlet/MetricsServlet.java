package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.util.Objects;

import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.standalone.HttpResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /metrics} (Prometheus text format 0.0.4) and {@code /health} of a {@link ShuttleMetrics}
 * in any Servlet 6 container, the same answers as on the built-in listener. Map it on the paths
 * it answers:
 * <pre>{@code
 * Tomcat.addServlet(context, "metrics", new MetricsServlet(metrics));
 * context.addServletMappingDecoded("/metrics", "metrics");
 * context.addServletMappingDecoded("/health/*", "metrics");
 * }</pre>
 * The path looked up is the request's path within the context ({@code servletPath + pathInfo});
 * {@code /health}, {@code /health/live}, {@code /health/ready} and {@code /metrics} are answered
 * to GET and HEAD, anything else gets 404.
 */
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ShuttleMetrics metrics;

    /**
     * A servlet serving these figures.
     *
     * @param metrics the figures to serve
     */
    public MetricsServlet(ShuttleMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        HttpResponse answer = metrics.respond(path);
        if (answer == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(answer.body().length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(answer.body());
        }
    }
}
