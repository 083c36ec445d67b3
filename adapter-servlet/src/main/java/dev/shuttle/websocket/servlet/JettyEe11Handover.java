package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.spi.Upgrade;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;

/**
 * {@link JettyHandover} on Jetty ee11 (Servlet 6.1, what Spring Boot 4 runs on Jetty): the same
 * core-request handover, reached through ee11's {@code ServletContextRequest}. Only loaded,
 * reflectively, when both Jetty ee11 and shuttle-jetty are visible to this class's loader.
 */
final class JettyEe11Handover implements ServletUpgrader.Handover {
    @Override
    public boolean prepare(HttpServletRequest request, Upgrade upgrade) {
        ServletContextRequest core;
        try {
            core = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException e) {
            core = null; // thrown when the request is not Jetty's
        }
        if (core == null) {
            return false; // Jetty ee11 on the class path, but this request comes from another container
        }
        JettyWebSocket.handOverAfterResponse(core, upgrade);
        return true;
    }
}
