package dev.shuttle.autobahn;

import java.time.Duration;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The echo server on Jetty 12 core through shuttle-jetty ({@code --transport jetty}); other requests get 404. */
final class JettyEcho {
    /**
     * Jetty's connector idle timeout. The adapters switch it off on an upgraded connection, but
     * it also governs the HTTP exchange before the upgrade; an hour keeps it out of every case
     * (section 12/13 cases may run up to 480 s by the catalog).
     */
    private static final long IDLE_TIMEOUT_MS = Duration.ofHours(1).toMillis();

    private JettyEcho() {
    }

    static Transports.Running start(WebSocketServer server, String host, int port) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = connector(jetty, host, port);
        jetty.setHandler(JettyWebSocket.handler(server));
        return run(jetty, connector, server);
    }

    static ServerConnector connector(Server jetty, String host, int port) {
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
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
