package dev.shuttle.websocket.servlet;

import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.spi.Upgrade;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * The byte-stream handover on Jetty ee10: Jetty's own connection upgrade, reached through the
 * core request behind the servlet request, with shuttle-jetty's transport. Jetty's Servlet
 * {@code upgrade()} cannot carry WebSocket (see the README). Only loaded, reflectively, when
 * both Jetty ee10 and shuttle-jetty are visible to this class's loader.
 */
final class JettyHandover implements ServletUpgrader.Handover {
    @Override
    public boolean prepare(HttpServletRequest request, Upgrade upgrade) {
        ServletContextRequest core;
        try {
            core = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException e) {
            core = null; // Jetty 12.1 throws when the request is not Jetty's
        }
        if (core == null) {
            return false; // Jetty on the class path, but this request comes from another container
        }
        JettyWebSocket.handOverAfterResponse(core, upgrade);
        return true;
    }
}
