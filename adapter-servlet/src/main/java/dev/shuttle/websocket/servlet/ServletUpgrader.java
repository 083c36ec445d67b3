package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Upgrade;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The handshake through the Servlet API, shared by {@link WebSocketServlet} and
 * {@link WebSocketFilter}: the server's decision, a refusal through the response, or a 101 and
 * the byte-stream handover, by Jetty's own mechanism on Jetty ee10 and ee11 and by the standard
 * {@link HttpServletRequest#upgrade} with a non-blocking bridge everywhere else.
 */
final class ServletUpgrader {
    private static final System.Logger LOG = System.getLogger(ServletUpgrader.class.getName());

    /** Container-specific handover that replaces {@code request.upgrade()}. */
    interface Handover {
        /** Arranges the handover after the 101; false when this request is not from that container. */
        boolean prepare(HttpServletRequest request, Upgrade upgrade);
    }

    /**
     * The Jetty handovers whose Jetty (ee10, ee11) and shuttle-jetty are visible to us; empty
     * without. Both may be: each declines a request that is not its own.
     */
    private static final List<Handover> JETTY = List.copyOf(loadJettyHandovers());

    private final WebSocketServer server;
    private final boolean useContainerHandover;

    /**
     * @param useContainerHandover false forces the standard {@code upgrade()} even on Jetty
     *        (only for showing that it does not work there)
     */
    ServletUpgrader(WebSocketServer server, boolean useContainerHandover) {
        this.server = Objects.requireNonNull(server, "server");
        this.useContainerHandover = useContainerHandover;
    }

    /** Whether the request asks for a WebSocket: an {@code Upgrade} header naming {@code websocket}. */
    static boolean isWebSocketUpgrade(HttpServletRequest request) {
        var values = request.getHeaders("Upgrade");
        while (values != null && values.hasMoreElements()) {
            for (String token : values.nextElement().split(",")) {
                if (token.trim().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            // RFC 6455 §4.1 needs HTTP/1.1; HTTP/1.0 has no upgrade and HTTP/2 none of this kind.
            refuse(response, 400, Map.of(), "WebSocket needs HTTP/1.1");
            return;
        }
        Upgrade upgrade = ServletRequestView.decide(server, request);
        if (!upgrade.accepted()) {
            refuse(response, upgrade.status(), upgrade.headers(), upgrade.body());
            return;
        }
        boolean handedOver = useContainerHandover && handOver(request, upgrade);
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        upgrade.headers().forEach(response::setHeader);
        if (handedOver) {
            return; // Jetty swaps in Shuttle's connection once the 101 is written
        }
        ShuttleUpgradeHandler handler = request.upgrade(ShuttleUpgradeHandler.class);
        // The container calls init() only after service() returns, so this comes first.
        handler.prepare(upgrade, ServletRequestView.remoteAddress(request), ServletRequestView.localAddress(request), request.isSecure());
    }

    private static void refuse(HttpServletResponse response, int status, Map<String, String> headers, String body)
            throws IOException {
        response.setStatus(status);
        headers.forEach(response::setHeader);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(body);
    }

    private static boolean handOver(HttpServletRequest request, Upgrade upgrade) {
        for (Handover handover : JETTY) {
            if (handover.prepare(request, upgrade)) {
                return true;
            }
        }
        return false;
    }

    private static List<Handover> loadJettyHandovers() {
        List<Handover> handovers = new ArrayList<>(2);
        load("ee10", "JettyHandover", handovers);
        load("ee11", "JettyEe11Handover", handovers);
        return handovers;
    }

    private static void load(String ee, String handoverClass, List<Handover> into) {
        ClassLoader loader = ServletUpgrader.class.getClassLoader();
        try {
            // Probe without initialising; the handover class itself links against both.
            Class.forName("org.eclipse.jetty." + ee + ".servlet.ServletContextRequest", false, loader);
            Class.forName("dev.shuttle.websocket.jetty.JettyWebSocket", false, loader);
            into.add((Handover) Class.forName(ServletUpgrader.class.getPackageName() + "." + handoverClass, true, loader)
                    .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "Jetty {0} handover not available: {1}", ee, e.toString());
        }
    }
}
