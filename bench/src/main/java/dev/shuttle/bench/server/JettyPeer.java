package dev.shuttle.bench.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12's own WebSocket API (jetty-websocket-jetty-server, no servlet), written the way its
 * documentation suggests: an auto-demanding listener, the received buffer handed back to
 * {@code sendBinary} with the frame's callback so Jetty recycles it after the write.
 * Defaults everywhere except the limits that would otherwise differ from Shuttle's (1 MiB
 * messages) and the idle timeout (Jetty closes idle WebSockets after 30 s, which would end the
 * idle scenario early).
 */
public final class JettyPeer {
    private JettyPeer() {
    }

    static ServerMain.RunningServer start(Mode mode, String host, int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        Set<Session> sessions = ConcurrentHashMap.newKeySet();
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(1 << 20);
            container.setMaxTextMessageSize(1 << 20);
            container.setIdleTimeout(Duration.ofHours(1));
            container.addMapping("/*", (request, response, callback) ->
                    mode == Mode.ECHO ? new Echo() : new Broadcast(sessions));
        }));
        server.start();
        return new ServerMain.RunningServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }

    /** Sends each message back; the payload buffer is Jetty's and is released by the callback once written. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }
    }

    /** Sends each message to every open session; one copy of the payload, a view of it per session. */
    public static final class Broadcast implements Session.Listener.AutoDemanding {
        private final Set<Session> sessions;
        private Session session;

        Broadcast(Set<Session> sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            sessions.add(session);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            sessions.remove(session);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            // Jetty reuses the received buffer after the callback: copy once, then share read-only views.
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip().asReadOnlyBuffer();
            callback.succeed();
            for (Session s : sessions) {
                s.sendBinary(copy.duplicate(), Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketText(String message) {
            for (Session s : sessions) {
                s.sendText(message, Callback.NOOP);
            }
        }
    }
}
