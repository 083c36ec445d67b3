package dev.shuttle.examples.broadcaster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;

/**
 * The running broadcaster: rooms keyed by URL (path and query, as wsbroad keys them), relaying
 * every message to the other members of its room under the slow-consumer policy of the flags
 * ({@link UrlRooms}), on the built-in listener. It logs to {@code out} as wsbroad does:
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
    private final Listener listener;

    private Broadcaster(Listener listener) {
        this.listener = listener;
    }

    /** Binds and serves; throws when the socket cannot be had (address in use, no inherited socket, ...). */
    static Broadcaster start(Settings settings, PrintStream out) throws IOException {
        UrlRooms rooms = new UrlRooms(settings.maxUrls(), settings.reflexive(), settings.policy(),
                settings.maxWriteBufferSize(), new Log(out));
        WebSocketServer server = WebSocketServer.builder()
                .options(settings.serverOptions())
                // wsbroad checks no Origin: any page may connect, as to wsbroad.
                .allowAnyOrigin()
                .upgradeHook(rooms.upgradeHook())
                .onOpen(rooms::join)
                .onData(rooms::publish)
                .onClose((c, code, reason, cause) -> rooms.leave(c))
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

    /** wsbroad's log lines, one println each so that lines of concurrent connections never mix. */
    private record Log(PrintStream out) implements UrlRooms.Events {
        @Override
        public void joined(String key, WebSocket member, boolean createdRoom) {
            String line = "+ " + peer(member.remoteSocketAddress()) + " -> " + key;
            out.println(createdRoom ? line + System.lineSeparator() + "New URL: " + key : line);
        }

        @Override
        public void left(String key, WebSocket member, boolean expiredRoom) {
            String line = "- " + peer(member.remoteSocketAddress()) + " -> " + key;
            out.println(expiredRoom ? line + System.lineSeparator() + "Expiring URL: " + key : line);
        }

        @Override
        public void rejected(String key) {
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
