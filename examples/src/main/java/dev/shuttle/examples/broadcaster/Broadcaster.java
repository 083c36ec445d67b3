package dev.shuttle.examples.broadcaster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.HubListener;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.hub.RoomLimitException;
import dev.shuttle.websocket.standalone.Listener;

/**
 * The running broadcaster: a {@link Hub} with rooms keyed by URL (path and query, as wsbroad
 * keys them) relaying every message to the other members of its room under the slow-consumer
 * policy of the flags, on the built-in listener. It logs to {@code out} as wsbroad does:
 * <pre>
 * + 127.0.0.1:57208 -> /baz
 * New URL: /baz
 * - 127.0.0.1:57208 -> /baz
 * Expiring URL: /baz
 * </pre>
 * and {@code Rejected: --max-urls reached} when a client would open one URL too many (it gets
 * 503, or 1013 when another client took the last URL between its upgrade and its join).
 */
final class Broadcaster implements AutoCloseable {
    private final Listener listener;

    private Broadcaster(Listener listener) {
        this.listener = listener;
    }

    /** Binds and serves; throws when the socket cannot be had (address in use, no inherited socket, ...). */
    static Broadcaster start(Settings settings, PrintStream out) throws IOException {
        Log log = new Log(out);
        Hub hub = Hub.builder()
                .policy(settings.hubPolicy())
                .maxRooms(settings.maxUrls())
                .reflexive(settings.reflexive())
                .listener(log)
                .build();
        UpgradeHook roomCheck = hub.upgradeHook(null);
        WebSocketHandler relay = hub.relay();
        WebSocketServer server = WebSocketServer.builder()
                .options(settings.serverOptions())
                // wsbroad checks no Origin: any page may connect, as to wsbroad.
                .allowAnyOrigin()
                .upgradeHook((request, attributes) -> {
                    try {
                        roomCheck.onUpgrade(request, attributes);
                    } catch (UpgradeRejectedException e) {
                        log.rejected();
                        throw e;
                    }
                })
                .handler(new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket c) {
                        try {
                            hub.join(c);
                        } catch (RoomLimitException e) {
                            // Another client took the last URL between our upgrade and this join.
                            log.rejected();
                            c.close(CloseCode.TRY_AGAIN_LATER, e.getMessage());
                        }
                    }

                    @Override
                    public void onData(WebSocket c, boolean isBinary, byte[] data) {
                        relay.onData(c, isBinary, data);
                    }
                })
                .build();
        return new Broadcaster(server.listen(settings.listenerOptions().build()));
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

    /**
     * wsbroad's log lines. A room's events come one at a time and in order from the hub, so
     * "New URL" follows the first member's "+" line and "Expiring URL" the last one's "-".
     */
    private record Log(PrintStream out) implements HubListener {
        @Override
        public void onJoin(Room room, WebSocket member, List<WebSocket> others) {
            out.println("+ " + peer(member.remoteSocketAddress()) + " -> " + room.key());
            if (others.isEmpty()) {
                out.println("New URL: " + room.key()); // an empty room expires: the first member made it
            }
        }

        @Override
        public void onLeave(Room room, WebSocket member, int closeCode) {
            out.println("- " + peer(member.remoteSocketAddress()) + " -> " + room.key());
        }

        @Override
        public void onRoomExpired(Room room) {
            out.println("Expiring URL: " + room.key());
        }

        void rejected() {
            out.println("Rejected: --max-urls reached");
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
