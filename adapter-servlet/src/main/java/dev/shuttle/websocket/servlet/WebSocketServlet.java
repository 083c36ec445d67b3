package dev.shuttle.websocket.servlet;

import java.io.IOException;

import dev.shuttle.websocket.WebSocketServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A servlet whose every request is a WebSocket handshake for a {@link WebSocketServer}: other
 * requests get the server's refusal (400, 426, ...). Register it on a path:
 * <pre>{@code
 * context.addServlet(new ServletHolder(new WebSocketServlet(ws)), "/ws/*");   // Jetty ee10
 * }</pre>
 * or, from a {@code web.xml}, with the no-argument constructor and the server in the servlet
 * context attribute {@link #SERVER_ATTRIBUTE}. To serve pages at the same paths, use
 * {@link WebSocketFilter} instead.
 * <p>
 * On Jetty ee10 and ee11 the upgraded byte stream is handed over by Jetty's own mechanism (needs
 * shuttle-jetty on the class path); on other containers by the standard
 * {@link HttpServletRequest#upgrade} with a non-blocking bridge.
 */
public class WebSocketServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The servlet context attribute holding the {@link WebSocketServer} for the no-argument constructor. */
    public static final String SERVER_ATTRIBUTE = WebSocketServer.class.getName();

    private transient WebSocketServer server;
    private transient boolean useContainerHandover = true;
    private transient ServletUpgrader upgrader;

    /** For deployment descriptors: the server comes from the context attribute {@link #SERVER_ATTRIBUTE}. */
    public WebSocketServlet() {
    }

    /**
     * A servlet for this server.
     *
     * @param server the server that decides on each upgrade
     */
    public WebSocketServlet(WebSocketServer server) {
        this.server = server;
    }

    /** Tests only: false makes it use the standard {@code upgrade()} even on Jetty. */
    WebSocketServlet(WebSocketServer server, boolean useContainerHandover) {
        this.server = server;
        this.useContainerHandover = useContainerHandover;
    }

    @Override
    public void init() throws ServletException {
        WebSocketServer s = server;
        if (s == null && getServletContext().getAttribute(SERVER_ATTRIBUTE) instanceof WebSocketServer fromContext) {
            s = fromContext;
        }
        if (s == null) {
            throw new ServletException("no WebSocketServer: pass one to the constructor or set the context attribute " + SERVER_ATTRIBUTE);
        }
        upgrader = new ServletUpgrader(s, useContainerHandover);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        upgrader.handle(request, response);
    }
}
