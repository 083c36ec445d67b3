package dev.shuttle.websocket.servlet;

import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.testing.ServerFixture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Jetty 12 ee10 on 127.0.0.1 and an ephemeral port, with {@link WebSocketServlet} at {@code /*} and
 * the request-head guard of the README ({@link JettyWebSocket#guardRequestHeads}).
 */
public final class JettyServletFixture implements ServerFixture {
    private final boolean useContainerHandover;
    private final ThreadPool threads;
    private int containerHeadBytes;
    private Server jetty;

    public JettyServletFixture() {
        this(true, null);
    }

    /**
     * @param useContainerHandover false: the standard {@code upgrade()}, to show it fails on Jetty
     * @param threads Jetty's thread pool, or null for Jetty's default
     */
    JettyServletFixture(boolean useContainerHandover, ThreadPool threads) {
        this.useContainerHandover = useContainerHandover;
        this.threads = threads;
    }

    /**
     * The request head size the container accepts, instead of the server's
     * {@code maxRequestHeadBytes}: larger, to show Shuttle's own 431 behind the container.
     */
    public JettyServletFixture containerHeadLimit(int bytes) {
        this.containerHeadBytes = bytes;
        return this;
    }

    @Override
    public URI start(WebSocketServer server) throws Exception {
        jetty = threads == null ? new Server() : new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        JettyWebSocket.guardRequestHeads(connector,
                containerHeadBytes > 0 ? containerHeadBytes : server.options().maxRequestHeadBytes(),
                server.options().handshakeTimeout());
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
