package dev.shuttle.autobahn;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;

/**
 * The transports an echo server can run on, by name. Each adapter adds exactly one line to
 * {@link #STARTERS}; the CLI, the docker script's list and the CI conformance test all read it.
 */
public final class Transports {
    /** Every transport the project plans; those not in {@link #names()} have not landed yet. */
    public static final List<String> PLANNED = List.of("builtin", "jetty", "servlet", "undertow", "tomcat");

    /** Starts {@code server} on one transport, bound to host:port (port 0 picks a free one). */
    @FunctionalInterface
    public interface Starter {
        Running start(WebSocketServer server, String host, int port) throws Exception;
    }

    /** A started server; {@link #close()} stops it. */
    public interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private static final Map<String, Starter> STARTERS = new LinkedHashMap<>();

    static {
        STARTERS.put("builtin", Transports::builtin);
        STARTERS.put("jetty", JettyEcho::start);           // adapter-jetty on Jetty 12 core
        STARTERS.put("servlet", ServletEcho::start);        // adapter-servlet on Jetty 12 ee10
        STARTERS.put("undertow", UndertowEcho::start);     // adapter-undertow
        STARTERS.put("tomcat", TomcatEcho::start);         // adapter-servlet on Tomcat 11
    }

    private Transports() {
    }

    /** The transports that exist in this build, in a stable order. */
    public static Set<String> names() {
        return STARTERS.keySet();
    }

    /** Starts the echo server on the named transport; null if that transport does not exist. */
    public static Running start(String name, String host, int port) throws Exception {
        Starter starter = STARTERS.get(name);
        return starter == null ? null : starter.start(EchoServer.create(), host, port);
    }

    private static Running builtin(WebSocketServer server, String host, int port) throws Exception {
        Listener listener = server.listen(new InetSocketAddress(host, port));
        return new Running() {
            @Override
            public int port() {
                return listener.port();
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }
}
