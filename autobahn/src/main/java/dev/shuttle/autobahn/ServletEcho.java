package dev.shuttle.autobahn;

import java.util.EnumSet;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.servlet.WebSocketFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The echo server as a servlet filter ({@code --transport servlet}): shuttle-servlet's
 * {@link WebSocketFilter} in a Jetty 12 ee10 servlet context, which hands the connection over
 * through Jetty core. Same connector settings as {@link JettyEcho} (request heads bounded).
 */
final class ServletEcho {
    private ServletEcho() {
    }

    static Transports.Running start(WebSocketServer server, String host, int port) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = JettyEcho.connector(jetty, host, port, server);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new WebSocketFilter(server)), "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        return JettyEcho.run(jetty, connector, server);
    }
}
