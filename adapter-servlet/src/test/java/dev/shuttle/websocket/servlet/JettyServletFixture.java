package dev.shuttle.websocket.servlet;

import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.ServerFixture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 ee10 on 127.0.0.1 and an ephemeral port, with {@link WebSocketServlet} at {@code /*}. */
public final class JettyServletFixture implements ServerFixture {
    private final boolean useContainerHandover;
    private Server jetty;

    public JettyServletFixture() {
        this(true);
    }

    /** @param useContainerHandover false: the standard {@code upgrade()}, to show it fails on Jetty */
    JettyServletFixture(boolean useContainerHandover) {
        this.useContainerHandover = useContainerHandover;
    }

    @Override
    public URI start(WebSocketServer server) throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new WebSocketServlet(server, useContainerHandover)), "/*");
        jetty.setHandler(context);
        jetty.start();
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @Override
    public void stop() throws Exception {
        Server s = jetty;
        jetty = null;
        if (s != null) {
            s.stop();
        }
    }
}
