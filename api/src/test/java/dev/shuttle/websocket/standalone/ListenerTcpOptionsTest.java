package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.WebSocketServer;
import jdk.net.ExtendedSocketOptions;

/**
 * The TCP options of {@link ListenerOptions} on real loopback sockets: what the listening socket
 * gets, what each accepted connection gets ({@link ListenSocket#configure}, the code the listener
 * runs on every accept), and the behaviour they buy.
 */
@Timeout(30)
class ListenerTcpOptionsTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final HttpHandler OK = r -> HttpResponse.text(200, "ok");

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private Listener start(ListenerOptions.Builder options) throws IOException {
        Listener l = Listener.start(WebSocketServer.builder().build(), options.httpHandler(OK).build());
        open.add(l);
        return l;
    }

    /** A connection accepted by a {@link ListenSocket} with these options and set up as the listener does. */
    private SocketChannel acceptConfigured(ListenerOptions options) throws IOException {
        ListenSocket socket = ListenSocket.open(options);
        open.add(socket.channel());
        SocketChannel client = SocketChannel.open(socket.localAddress());
        open.add(client);
        SocketChannel accepted = socket.channel().accept();
        open.add(accepted);
        socket.configure(accepted);
        return accepted;
    }

    @Test
    void noDelayIsOnByDefaultAndCanBeTurnedOff() throws IOException {
        SocketChannel byDefault = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).build());
        assertTrue(byDefault.getOption(StandardSocketOptions.TCP_NODELAY));
        assertFalse(byDefault.isBlocking());

        SocketChannel nagle = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).tcpNoDelay(false).build());
        assertFalse(nagle.getOption(StandardSocketOptions.TCP_NODELAY));
    }

    @Test
    void bufferSizesReachTheListeningAndTheAcceptedSockets() throws IOException {
        int size = 96 * 1024;
        ListenerOptions options = ListenerOptions.builder().address(LOOPBACK_ANY_PORT)
                .receiveBufferSize(size).sendBufferSize(size).build();
        ListenSocket socket = ListenSocket.open(options);
        open.add(socket.channel());
        // Linux doubles the value for its bookkeeping; it never gives less than asked (below its maximum).
        assertTrue(socket.channel().getOption(StandardSocketOptions.SO_RCVBUF) >= size);

        SocketChannel accepted = acceptConfigured(options);
        assertTrue(accepted.getOption(StandardSocketOptions.SO_RCVBUF) >= size);
        assertTrue(accepted.getOption(StandardSocketOptions.SO_SNDBUF) >= size);

        SocketChannel small = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).sendBufferSize(4096).build());
        assertTrue(small.getOption(StandardSocketOptions.SO_SNDBUF) < size, "the option is what sets it");
    }

    @Test
    void keepAliveWithItsTimingsInWholeSeconds() throws IOException {
        SocketChannel none = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).build());
        assertFalse(none.getOption(StandardSocketOptions.SO_KEEPALIVE));

        SocketChannel accepted = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT)
                .tcpKeepAlive(new TcpKeepAlive(Duration.ofMillis(60_500), 3, Duration.ofSeconds(5))).build());
        assertTrue(accepted.getOption(StandardSocketOptions.SO_KEEPALIVE));
        assertEquals(61, accepted.getOption(ExtendedSocketOptions.TCP_KEEPIDLE), "rounded up to whole seconds");
        assertEquals(3, accepted.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
        assertEquals(5, accepted.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));

        SocketChannel system = acceptConfigured(ListenerOptions.builder().address(LOOPBACK_ANY_PORT)
                .tcpKeepAlive(TcpKeepAlive.SYSTEM_DEFAULTS).build());
        assertTrue(system.getOption(StandardSocketOptions.SO_KEEPALIVE));
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() throws IOException {
        Listener first = start(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).reusePort(true));
        InetSocketAddress same = first.address();
        Listener second = start(ListenerOptions.builder().address(same).reusePort(true));
        assertEquals(same, second.address());
        try (RawClient c = new RawClient(same)) {
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readToEnd().startsWith("HTTP/1.1 200 OK"));
        }
        assertThrows(BindException.class, () -> start(ListenerOptions.builder().address(same)));
    }

    @Test
    void withoutReusePortTheSecondBindFails() throws IOException {
        Listener first = start(ListenerOptions.builder().address(LOOPBACK_ANY_PORT));
        assertThrows(BindException.class, () -> start(ListenerOptions.builder().address(first.address()).reusePort(true)));
    }

    @Test
    void ipv6OnlyResetsIpv4Peers() throws IOException {
        // The wildcard address: only it takes both families. The test connects over loopback only.
        InetSocketAddress wildcard = new InetSocketAddress(InetAddress.getByName("::"), 0);
        Listener only6 = start(ListenerOptions.builder().address(wildcard).ipv6Only(true));
        Listener both = start(ListenerOptions.builder().address(wildcard));

        assertTrue(get(new InetSocketAddress("::1", only6.port())).startsWith("HTTP/1.1 200 OK"));
        assertEquals("", getOrReset(new InetSocketAddress("127.0.0.1", only6.port())), "an IPv4 peer gets no answer");
        assertTrue(get(new InetSocketAddress("127.0.0.1", both.port())).startsWith("HTTP/1.1 200 OK"), "dual stack by default");
        Eventually.assertEventually(() -> only6.connectionCount() == 0, "the refused peer holds no slot");
    }

    @Test
    void ipv6OnlyOnAnIpv4AddressIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(ListenerOptions.builder().address(LOOPBACK_ANY_PORT).ipv6Only(true)));
        assertTrue(e.getMessage().contains("IPv6 address"), e.getMessage());
    }

    @Test
    void aGivenTcpChannelIsServed() throws IOException {
        ServerSocketChannel given = ServerSocketChannel.open();
        given.bind(LOOPBACK_ANY_PORT);
        Listener listener = start(ListenerOptions.builder().channel(given));
        assertEquals(given.getLocalAddress(), listener.address());
        assertTrue(get(listener.address()).startsWith("HTTP/1.1 200 OK"));
    }

    private static String get(InetSocketAddress to) throws IOException {
        try (RawClient c = new RawClient(to)) {
            return c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readToEnd();
        }
    }

    /** The answer, or "" when the server reset or closed the connection without one. */
    private static String getOrReset(InetSocketAddress to) throws IOException {
        // The reset may come at any point: even the connect can see it, when the server accepts
        // and resets before the client's connect returns.
        try (RawClient c = new RawClient(to)) {
            return c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readToEnd();
        } catch (SocketException e) {
            return "";
        }
    }
}
