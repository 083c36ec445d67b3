package dev.shuttle.examples.broadcaster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.HubListener;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.hub.SlowConsumerPolicy;
import dev.shuttle.websocket.standalone.Listener;

/**
 * The running broadcaster: a {@link Hub} whose rooms are URLs (path and query, as wsbroad keys
 * them), relaying every message to the other members of its room under the slow-consumer policy
 * of the flags, on the built-in listener. It logs to {@code out} as wsbroad does:
 * <pre>
 * + 127.0.0.1:57208 -> /baz
 * New URL: /baz
 * - 127.0.0.1:57208 -> /baz
 * Expiring URL: /baz
 * </pre>
 * and {@code Rejected: --max-urls reached} when a client would open one URL too many (it gets
 * 503).
 */
final class Broadcaster implements AutoCloseable {
    private final Hub hub;
    private final Listener listener;

    private Broadcaster(Hub hub, Listener listener) {
        this.hub = hub;
        this.listener = listener;
    }

    /** Binds and serves; throws when the socket cannot be had (address in use, no inherited socket, ...). */
    static Broadcaster start(Settings settings, PrintStream out) throws IOException {
        Hub hub = Hub.builder()
                .policy(policy(settings))
                .maxRooms(settings.maxUrls())
                .reflexive(settings.reflexive())
                .listener(new Log(out))
                .build();
        WebSocketServer server = WebSocketServer.builder()
                .options(settings.serverOptions())
                // wsbroad checks no Origin: any page may connect, as to wsbroad.
                .allowAnyOrigin()
                .upgradeHook(hub.upgradeHook((request, attributes) -> { }))
                .handler(hub.relay())
                .build();
        Listener listener = server.listen(settings.listenerOptions().build());
        return new Broadcaster(hub, listener);
    }

    private static SlowConsumerPolicy policy(Settings s) {
        return switch (s.policy()) {
            case DROP -> SlowConsumerPolicy.DROP;
            case BACKPRESSURE -> SlowConsumerPolicy.BACKPRESSURE;
            case BACKPRESSURE_WITH_ERRORS -> SlowConsumerPolicy.BACKPRESSURE_WITH_ERRORS;
            case STOCHASTIC -> SlowConsumerPolicy.stochastic(s.stochasticQueue());
        };
    }

    Hub hub() {
        return hub;
    }

    /** The bound address: an {@code InetSocketAddress} or a UNIX socket's path. */
    SocketAddress listening() {
        return listener.localAddress();
    }

    /** The TCP port, or -1 on a UNIX socket. */
    int port() {
        return listener.port();
    }

    /** Closes every client with 1001 and stops listening. */
    @Override
    public void close() {
        listener.close();
    }

    /** wsbroad's log lines; "New URL" follows the "+" line of the member who made it, as wsbroad prints them. */
    private static final class Log implements HubListener {
        private final PrintStream out;
        /** Rooms created whose first join has not been logged yet. */
        private final Set<Room> unannounced = ConcurrentHashMap.newKeySet();

        Log(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onRoomCreated(Room room) {
            unannounced.add(room);
        }

        @Override
        public void onJoin(Room room, WebSocket member) {
            String line = "+ " + peer(member.remoteSocketAddress()) + " -> " + room.key();
            if (unannounced.remove(room)) {
                line += System.lineSeparator() + "New URL: " + room.key();
            }
            out.println(line);
        }

        @Override
        public void onLeave(Room room, WebSocket member, int closeCode) {
            out.println("- " + peer(member.remoteSocketAddress()) + " -> " + room.key());
        }

        @Override
        public void onRoomExpired(Room room) {
            unannounced.remove(room);
            out.println("Expiring URL: " + room.key());
        }
    }

    /** How wsbroad prints a peer: {@code 127.0.0.1:57208}, {@code [::1]:57208}, or {@code unix}. */
    static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return "unix";
    }

    /** A listening address for people: {@code 127.0.0.1:9002}, {@code [::]:9002}, or the socket's path. */
    static String describe(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress unix ? unix.getPath().toString() : peer(address);
    }
}
