package dev.shuttle.autobahn;

import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The echo server on Jetty 12 core through shuttle-jetty ({@code --transport jetty}); other requests get 404. */
final class JettyEcho {
    private JettyEcho() {
    }

    static Transports.Running start(WebSocketServer server, String host, int port) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = connector(jetty, host, port, server);
        jetty.setHandler(JettyWebSocket.handler(server));
        return run(jetty, connector, server);
    }

    /**
     * The settings the README gives for Jetty: request heads bounded by the server's options.
     * The idle timeout this sets (the handshake timeout) governs only the HTTP exchange before
     * the upgrade; the adapter switches it off on an upgraded connection, so long cases are not
     * cut.
     */
    static ServerConnector connector(Server jetty, String host, int port, WebSocketServer server) {
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        JettyWebSocket.guardRequestHeads(connector, server.options());
        jetty.addConnector(connector);
        return connector;
    }

    static Transports.Running run(Server jetty, ServerConnector connector, WebSocketServer server) throws Exception {
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        int bound = connector.getLocalPort();
        return new Transports.Running() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() {
                server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
                try {
                    jetty.stop();
                } catch (Exception e) {
                    System.getLogger(JettyEcho.class.getName()).log(System.Logger.Level.WARNING, "stopping Jetty", e);
                }
            }
        };
    }
}
