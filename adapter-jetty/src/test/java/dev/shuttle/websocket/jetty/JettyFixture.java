package dev.shuttle.websocket.jetty;

import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.ServerFixture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * A Jetty 12 core server on 127.0.0.1 and an ephemeral port, with Shuttle's handler at every path
 * and the request-head guard of the README ({@link JettyWebSocket#guardRequestHeads}).
 */
public final class JettyFixture implements ServerFixture {
    private final ThreadPool threads;
    private int containerHeadBytes;
    private Server jetty;

    public JettyFixture() {
        this(null);
    }

    /** @param threads Jetty's thread pool, or null for Jetty's default */
    public JettyFixture(ThreadPool threads) {
        this.threads = threads;
    }

    /**
     * The request head size the container accepts, instead of the server's
     * {@code maxRequestHeadBytes}: larger, to show Shuttle's own 431 behind the container.
     */
    public JettyFixture containerHeadLimit(int bytes) {
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
        jetty.setHandler(JettyWebSocket.handler(server));
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
