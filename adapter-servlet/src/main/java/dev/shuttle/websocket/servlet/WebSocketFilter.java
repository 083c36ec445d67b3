package dev.shuttle.websocket.servlet;

import java.io.IOException;

import dev.shuttle.websocket.WebSocketServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A filter that answers WebSocket upgrade requests (an {@code Upgrade: websocket} header) for a
 * {@link WebSocketServer} and lets every other request through to the rest of the chain, so a
 * page and its WebSocket can share a path:
 * <pre>{@code
 * context.addFilter(new FilterHolder(new WebSocketFilter(ws)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 * The handover is the same as {@link WebSocketServlet}'s.
 */
public class WebSocketFilter implements Filter {
    private WebSocketServer server;
    private ServletUpgrader upgrader;

    /** For deployment descriptors: the server comes from the context attribute {@link WebSocketServlet#SERVER_ATTRIBUTE}. */
    public WebSocketFilter() {
    }

    /**
     * A filter for this server.
     *
     * @param server the server that decides on each upgrade
     */
    public WebSocketFilter(WebSocketServer server) {
        this.server = server;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        WebSocketServer s = server;
        if (s == null && config.getServletContext().getAttribute(WebSocketServlet.SERVER_ATTRIBUTE) instanceof WebSocketServer fromContext) {
            s = fromContext;
        }
        if (s == null) {
            throw new ServletException("no WebSocketServer: pass one to the constructor or set the context attribute "
                    + WebSocketServlet.SERVER_ATTRIBUTE);
        }
        upgrader = new ServletUpgrader(s, true);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && ServletUpgrader.isWebSocketUpgrade(http)) {
            upgrader.handle(http, httpResponse);
            return;
        }
        chain.doFilter(request, response);
    }
}
