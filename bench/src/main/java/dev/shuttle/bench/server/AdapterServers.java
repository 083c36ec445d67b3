package dev.shuttle.bench.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;

import io.undertow.Undertow;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.servlet.WebSocketFilter;
import dev.shuttle.websocket.undertow.UndertowWebSocket;

/**
 * Shuttle mounted on each adapter, with the servers at the same settings as the peers of the
 * same server (JettyPeer, UndertowPeer), so that "adapter vs its server's own WebSocket" compares
 * the WebSocket stacks and not the HTTP servers' tuning.
 */
final class AdapterServers {
    /**
     * When set, Jetty's thread pool lets every thread idle this long go at once (Jetty's default:
     * one thread per 60 s idle timeout, so a pool grown by a burst takes hours to shrink). The
     * soak run sets it so that "threads back to baseline" means something on Jetty too.
     */
    static volatile Duration jettyThreadIdleTimeout;

    private AdapterServers() {
    }

    private static Server newJetty() {
        Duration idle = jettyThreadIdleTimeout;
        if (idle == null) {
            return new Server();
        }
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setIdleTimeout((int) idle.toMillis());
        pool.setMaxEvictCount(pool.getMaxThreads());
        return new Server(pool);
    }

    /** Jetty 12 core: Shuttle's Handler is the whole application. */
    static ServerMain.RunningServer jetty(WebSocketServer server, String host, int port) throws Exception {
        Server jetty = newJetty();
        ServerConnector connector = connector(jetty, host, port);
        jetty.setHandler(JettyWebSocket.handler(server));
        return startJetty(jetty, connector, server);
    }

    /** Jetty 12 ee10: Shuttle's servlet filter on every path. */
    static ServerMain.RunningServer servlet(WebSocketServer server, String host, int port) throws Exception {
        Server jetty = newJetty();
        ServerConnector connector = connector(jetty, host, port);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new WebSocketFilter(server)), "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        return startJetty(jetty, connector, server);
    }

    /** Undertow core: Shuttle's HttpHandler is the whole application. */
    static ServerMain.RunningServer undertow(WebSocketServer server, String host, int port) {
        Undertow undertow = Undertow.builder().addHttpListener(port, host).setHandler(UndertowWebSocket.handler(server)).build();
        undertow.start();
        int bound = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return running(bound, () -> {
            server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
            undertow.stop();
        });
    }

    private static ServerConnector connector(Server jetty, String host, int port) {
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);   // as JettyPeer
        jetty.addConnector(connector);
        return connector;
    }

    private static ServerMain.RunningServer startJetty(Server jetty, ServerConnector connector, WebSocketServer server)
            throws Exception {
        jetty.start();
        return running(connector.getLocalPort(), () -> {
            server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
            jetty.stop();
        });
    }

    @FunctionalInterface
    private interface Stop {
        void run() throws Exception;
    }

    private static ServerMain.RunningServer running(int port, Stop stop) {
        return new ServerMain.RunningServer() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() throws Exception {
                stop.run();
            }
        };
    }
}
