package dev.shuttle.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;

/**
 * Shuttle's benchmark server: one {@link WebSocketServer} (echo or broadcast) mounted on a
 * transport chosen by name.
 * <p>
 * Extension point: an adapter (Jetty, Servlet, Undertow) becomes benchmarkable by adding one
 * entry to {@link #TRANSPORTS} that mounts the server on that adapter, and its name to
 * {@code SHUTTLE_TRANSPORTS} in run.sh.
 */
public final class ShuttleServers {
    /** Mounts a ready-built server on host:port and returns it running. */
    @FunctionalInterface
    interface Transport {
        ServerMain.RunningServer start(WebSocketServer server, String host, int port) throws Exception;
    }

    private static final Map<String, Transport> TRANSPORTS = new TreeMap<>(Map.of(
            "builtin", ShuttleServers::builtin,
            "jetty", AdapterServers::jetty,
            "servlet", AdapterServers::servlet,
            "undertow", AdapterServers::undertow));

    private ShuttleServers() {
    }

    static ServerMain.RunningServer start(String transport, Mode mode, String host, int port, long maxQueuedBytes)
            throws Exception {
        return mount(transport, build(mode, maxQueuedBytes), host, port);
    }

    /** Jetty's (and the servlet transport's) pool lets idle threads go after {@code idle}, all at once (see the soak run). */
    public static void jettyThreadIdleTimeout(Duration idle) {
        AdapterServers.jettyThreadIdleTimeout = idle;
    }

    /** Mounts {@code server} on the named transport at host:port (0: any free port) and returns it running. */
    public static ServerMain.RunningServer mount(String transport, WebSocketServer server, String host, int port) throws Exception {
        Transport t = TRANSPORTS.get(transport);
        if (t == null) {
            throw new IllegalArgumentException("--transport must be one of " + TRANSPORTS.keySet() + ": " + transport);
        }
        return t.start(server, host, port);
    }

    /** The same application on every transport: echo each message as it came, or broadcast it framed once. */
    public static WebSocketServer build(Mode mode, long maxQueuedBytes) {
        Options options = Options.defaults().toBuilder().maxQueuedBytes(maxQueuedBytes).build();
        WebSocketServer.Builder b = WebSocketServer.builder().options(options);
        if (Boolean.getBoolean("bench.verbose")) {
            b.onClose((c, code, reason, cause) -> System.err.println("close " + c.remoteAddress() + " " + code + " " + reason + " " + cause));
        }
        if (mode == Mode.ECHO) {
            return echo(b).build();
        }
        // The handler needs the server it belongs to; the holder is filled before any connection opens.
        WebSocketServer[] self = new WebSocketServer[1];
        b.onData((c, isBinary, data) -> self[0].broadcast(isBinary ? PreparedMessage.binary(data) : PreparedMessage.textUtf8(data)));
        self[0] = b.build();
        return self[0];
    }

    /** Echoes each message as it came. */
    public static WebSocketServer.Builder echo(WebSocketServer.Builder b) {
        return b.onData((c, isBinary, data) -> {
            if (isBinary) {
                c.write(data);
            } else {
                c.write(PreparedMessage.textUtf8(data));   // already validated UTF-8: no re-encoding
            }
        });
    }

    private static ServerMain.RunningServer builtin(WebSocketServer server, String host, int port) throws IOException {
        Listener listener = server.listen(new InetSocketAddress(host, port));
        return new ServerMain.RunningServer() {
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
