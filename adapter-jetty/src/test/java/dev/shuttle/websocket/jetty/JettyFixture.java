package dev.shuttle.websocket.jetty;

import java.net.URI;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.ServerFixture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty 12 core server on 127.0.0.1 and an ephemeral port, with Shuttle's handler at every path. */
public final class JettyFixture implements ServerFixture {
    private Server jetty;

    @Override
    public URI start(WebSocketServer server) throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
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
