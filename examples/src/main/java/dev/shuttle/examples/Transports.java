package dev.shuttle.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.jetty.JettyWebSocket;
import dev.shuttle.websocket.servlet.WebSocketFilter;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The servers an example can run on ({@code --transport}): each mounts the example's
 * {@link WebSocketServer} and its page on one address. Adding a transport is one entry in
 * {@link #ALL}.
 */
final class Transports {
    /** Starts a server for the WebSocket endpoint and the page handler (GET {@code /}, {@code /health}). */
    @FunctionalInterface
    interface Starter {
        Running start(WebSocketServer server, HttpHandler pages, InetSocketAddress address) throws Exception;
    }

    /** A started server: its port, and close() to stop it (clients get 1001). */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    static final String DEFAULT = "builtin";

    /** Name → starter, in the order the usage lists them. */
    static final Map<String, Starter> ALL = new LinkedHashMap<>();

    static {
        ALL.put("builtin", Transports::builtin);
        ALL.put("jetty", Transports::jetty);
        ALL.put("servlet", Transports::servlet);
        ALL.put("undertow", UndertowTransport::start);
        ALL.put("tomcat", TomcatTransport::start);
    }

    private Transports() {
    }

    private static Running builtin(WebSocketServer server, HttpHandler pages, InetSocketAddress address) throws IOException {
        Listener listener = server.listen(ListenerOptions.builder().address(address).httpHandler(pages).build());
        return running(listener.port(), listener::close);
    }

    /** Jetty 12 core: Shuttle's handler in front of a handler serving the page. */
    private static Running jetty(WebSocketServer server, HttpHandler pages, InetSocketAddress address) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = connector(jetty, address, server);
        jetty.setHandler(JettyWebSocket.handler(server, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                HttpResponse page = pages.handle(new PageRequest(request.getMethod(), Request.getPathInContext(request)));
                if (page == null) {
                    return false; // Jetty answers 404
                }
                response.setStatus(page.status());
                response.getHeaders().put("Content-Type", page.contentType());
                response.write(true, java.nio.ByteBuffer.wrap(page.body()), callback);
                return true;
            }
        }));
        return startJetty(jetty, connector, server);
    }

    /** Jetty 12 ee10 servlet container: Shuttle's filter in front of a servlet serving the page. */
    private static Running servlet(WebSocketServer server, HttpHandler pages, InetSocketAddress address) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = connector(jetty, address, server);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new WebSocketFilter(server)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpResponse page = pages.handle(new PageRequest(request.getMethod(), request.getRequestURI()));
                if (page == null) {
                    response.sendError(404);
                    return;
                }
                response.setStatus(page.status());
                response.setContentType(page.contentType());
                try (OutputStream out = response.getOutputStream()) {
                    out.write(page.body());
                }
            }
        }), "/");
        jetty.setHandler(context);
        return startJetty(jetty, connector, server);
    }

    /**
     * A connector whose request heads are bounded by the server's options (431 past
     * {@code maxRequestHeadBytes}; a head not complete within {@code handshakeTimeout} is cut
     * off): Jetty parses the head before Shuttle sees the request, so only Jetty can bound it.
     */
    private static ServerConnector connector(Server jetty, InetSocketAddress address, WebSocketServer server) {
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        JettyWebSocket.guardRequestHeads(connector, server.options());
        jetty.addConnector(connector);
        return connector;
    }

    private static Running startJetty(Server jetty, ServerConnector connector, WebSocketServer server) throws Exception {
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        return running(connector.getLocalPort(), () -> {
            // Like the built-in listener's close: every client gets 1001 before the server goes.
            server.closeAll(CloseCode.GOING_AWAY, "server shutting down", Duration.ofSeconds(2));
            try {
                jetty.stop();
            } catch (Exception e) {
                System.getLogger(Transports.class.getName()).log(System.Logger.Level.WARNING, "stopping Jetty", e);
            }
        });
    }

    static Running running(int port, Runnable close) {
        return new Running() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** The little the page handler looks at: method and path. */
    record PageRequest(String method, String path) implements HandshakeRequest {
        @Override
        public String query() {
            return null;
        }

        @Override
        public List<String> headers(String name) {
            return List.of();
        }

        @Override
        public List<String> headerNames() {
            return List.of();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    }
}
