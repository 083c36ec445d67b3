package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.UnixRawClient;

/** The listener on a UNIX domain socket: serving, the addresses a connection reports, the socket file's options, the backlog. */
@Timeout(30)
class ListenerUnixSocketTest {
    @TempDir
    Path dir;

    private final List<Listener> listeners = new ArrayList<>();

    @AfterEach
    void closeListeners() {
        listeners.forEach(Listener::close);
    }

    private Listener start(WebSocketServer server, ListenerOptions.Builder options) throws IOException {
        Listener l = Listener.start(server, options.build());
        listeners.add(l);
        return l;
    }

    private static WebSocketServer echo(CompletableFuture<WebSocket> opened) {
        return WebSocketServer.builder()
                .onOpen(opened::complete)
                .onData((c, isBinary, data) -> c.writeText(data))
                .build();
    }

    @Test
    void servesWebSocketsAndReportsUnixAddresses() throws Exception {
        Path path = dir.resolve("ws.sock");
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        Listener listener = start(echo(opened), ListenerOptions.builder().address(UnixDomainSocketAddress.of(path)));
        assertNull(listener.address(), "no TCP address");
        assertEquals(-1, listener.port());
        assertEquals(UnixDomainSocketAddress.of(path), listener.localAddress());

        try (UnixRawClient client = UnixRawClient.connect(path, "/room?x=1")) {
            client.sendText("hello over a unix socket");
            assertEquals("hello over a unix socket", client.readText());

            WebSocket ws = opened.get(10, TimeUnit.SECONDS);
            assertEquals("/room", ws.path());
            // No IP address: an unresolved unix:0, never null; the real one is remoteSocketAddress().
            InetSocketAddress remote = ws.remoteAddress();
            assertTrue(remote.isUnresolved());
            assertEquals("unix", remote.getHostString());
            assertEquals(0, remote.getPort());
            assertNull(remote.getAddress());
            assertEquals("unix", ws.localAddress().getHostString());
            assertEquals(ws.remoteAddress(), ws.request().remoteAddress());
            assertInstanceOf(UnixDomainSocketAddress.class, ws.remoteSocketAddress());
            assertEquals(UnixDomainSocketAddress.of(path), ws.localSocketAddress());
            assertEquals(1000, client.closeHandshake().closeCode());
        }
    }

    @Test
    void tcpConnectionsReportTheSameAddressBothWays() throws Exception {
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        Listener listener = start(echo(opened), ListenerOptions.builder()
                .address(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)));
        try (dev.shuttle.websocket.testing.RawClient c = dev.shuttle.websocket.testing.RawClient
                .connect(java.net.URI.create("ws://127.0.0.1:" + listener.port() + "/"))) {
            WebSocket ws = opened.get(10, TimeUnit.SECONDS);
            assertEquals(c.socket().getLocalSocketAddress(), ws.remoteAddress());
            assertEquals(ws.remoteAddress(), ws.remoteSocketAddress());
            assertEquals(listener.address(), ws.localSocketAddress());
        }
    }

    @Test
    void aStaleSocketFileIsInTheWayUntilUnlinked() throws Exception {
        Path path = dir.resolve("stale.sock");
        leaveStaleSocket(path);
        WebSocketServer server = echo(new CompletableFuture<>());

        BindException e = assertThrows(BindException.class,
                () -> start(server, ListenerOptions.builder().address(UnixDomainSocketAddress.of(path))));
        assertTrue(e.getMessage().contains(path + " already exists"), e.getMessage());
        assertTrue(e.getMessage().contains("unlinkExistingSocketFile"), e.getMessage());

        start(server, ListenerOptions.builder().address(UnixDomainSocketAddress.of(path)).unlinkExistingSocketFile(true));
        try (UnixRawClient client = UnixRawClient.connect(path, "/")) {
            assertEquals(101, client.status());
        }
    }

    @Test
    void unlinkNeverRemovesAFileThatIsNotASocket() throws IOException {
        Path path = dir.resolve("precious.txt");
        Files.writeString(path, "keep me");
        IOException e = assertThrows(IOException.class, () -> start(echo(new CompletableFuture<>()),
                ListenerOptions.builder().address(UnixDomainSocketAddress.of(path)).unlinkExistingSocketFile(true)));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(path));
    }

    @Test
    void socketFileGetsTheAskedPermissionsOwnerAndGroup() throws IOException {
        Path path = dir.resolve("perm.sock");
        int ownUid = (Integer) Files.getAttribute(dir, "unix:uid");
        int ownGid = (Integer) Files.getAttribute(dir, "unix:gid");
        // As root (CI) give the file away for real; otherwise to ourselves, which any user may.
        int uid = ownUid == 0 ? 4242 : ownUid;
        int gid = ownUid == 0 ? 4343 : ownGid;
        start(echo(new CompletableFuture<>()), ListenerOptions.builder().address(UnixDomainSocketAddress.of(path))
                .socketFilePermissions(PosixFilePermissions.fromString("rw-rw----"))
                .socketFileOwner(uid)
                .socketFileGroup(gid));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(uid, Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(gid, Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS));

        Path other = dir.resolve("everybody.sock");
        start(echo(new CompletableFuture<>()), ListenerOptions.builder().address(UnixDomainSocketAddress.of(other))
                .socketFilePermissions(PosixFilePermissions.fromString("rw-rw-rw-")));
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(other, LinkOption.NOFOLLOW_LINKS)));
    }

    @Test
    void backlogBoundsTheConnectionsWaitingForAccept() throws IOException {
        // Linux refuses a UNIX-domain connect at once (EAGAIN) when backlog + 1 wait unaccepted;
        // the listening socket is opened without a listener, so nobody accepts.
        Path path = dir.resolve("backlog.sock");
        ListenSocket socket = ListenSocket.open(ListenerOptions.builder().address(UnixDomainSocketAddress.of(path)).backlog(2).build());
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(nonBlockingConnect(path));
            }
            SocketException full = assertThrows(SocketException.class, () -> clients.add(nonBlockingConnect(path)));
            assertTrue(full.getMessage().contains("temporarily unavailable"), full.getMessage());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            socket.channel().close();
        }
    }

    @Test
    void aGivenChannelIsServedAndClosedWithTheListener() throws Exception {
        Path path = dir.resolve("given.sock");
        ServerSocketChannel given = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        given.bind(UnixDomainSocketAddress.of(path));
        Listener listener = start(echo(new CompletableFuture<>()), ListenerOptions.builder().channel(given));
        assertEquals(UnixDomainSocketAddress.of(path), listener.localAddress());
        try (UnixRawClient client = UnixRawClient.connect(path, "/")) {
            client.sendText("given");
            assertEquals("given", client.readText());
        }
        listener.close();
        assertFalse(given.isOpen(), "the listener owns the channel it was given");
    }

    @Test
    void anUnboundChannelIsRefused() throws IOException {
        ServerSocketChannel unbound = ServerSocketChannel.open();
        IOException e = assertThrows(IOException.class,
                () -> start(echo(new CompletableFuture<>()), ListenerOptions.builder().channel(unbound)));
        assertTrue(e.getMessage().contains("not bound"), e.getMessage());
        assertFalse(unbound.isOpen());
    }

    @Test
    void withoutAnInheritedSocketStartFailsClearly() {
        // Surefire's fork has a pipe for standard input, not a socket.
        IOException e = assertThrows(IOException.class,
                () -> start(echo(new CompletableFuture<>()), ListenerOptions.builder().inheritedChannel()));
        assertTrue(e.getMessage().contains("no listening socket on standard input"), e.getMessage());
    }

    @Test
    void abstractNamesAreNotSupportedByTheJdk() {
        // Linux's abstract namespace starts with a NUL byte, which UnixDomainSocketAddress refuses.
        assertThrows(java.nio.file.InvalidPathException.class, () -> UnixDomainSocketAddress.of("\0shuttle"));
    }

    private static void leaveStaleSocket(Path path) throws IOException {
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "closing a UNIX socket leaves its file");
    }

    private static SocketChannel nonBlockingConnect(Path path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.configureBlocking(false);
            SocketAddress to = UnixDomainSocketAddress.of(path);
            assertTrue(c.connect(to), "a UNIX-domain connect completes at once or fails");
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }
}
