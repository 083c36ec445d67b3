package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;

/** The listener's HTTP side over real loopback sockets; none of these reach the WebSocket engine. */
@Timeout(30)
class ListenerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Listener listener;

    @AfterEach
    void closeListener() {
        if (listener != null) {
            listener.close();
        }
    }

    private Listener start(ListenerOptions.Builder options) throws IOException {
        return start(WebSocketServer.builder().build(), options);
    }

    private Listener start(WebSocketServer server, ListenerOptions.Builder options) throws IOException {
        listener = Listener.start(server, options.address(ANY_LOOPBACK_PORT).build());
        return listener;
    }

    private String exchange(String request) throws IOException {
        try (RawClient c = new RawClient(listener.address())) {
            return c.send(request).readToEnd();
        }
    }

    @Test
    void bindsAnEphemeralPort() throws IOException {
        start(ListenerOptions.builder());
        assertTrue(listener.port() > 0);
        assertEquals(InetAddress.getLoopbackAddress(), listener.address().getAddress());
        assertEquals(0, listener.connectionCount());
    }

    @Test
    void plainGetServedByTheHttpHandler() throws IOException {
        start(ListenerOptions.builder().httpHandler(r -> "/health".equals(r.path())
                ? HttpResponse.text(200, "ok " + r.queryParameter("v") + " " + r.header("x-test"))
                : null));
        String r = exchange("GET /health?v=7 HTTP/1.1\r\nHost: localhost\r\nX-Test: yes\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), r);
        assertTrue(r.contains("\r\nContent-Length: 8\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\nok 7 yes"), r);

        String missing = exchange("GET /other HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(missing.startsWith("HTTP/1.1 404 Not Found\r\n"), missing);
    }

    @Test
    void headGetsHeadersWithoutBody() throws IOException {
        start(ListenerOptions.builder().httpHandler(r -> HttpResponse.html("<p>hi</p>")));
        String r = exchange("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("\r\nContent-Length: 9\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n"), r);
    }

    @Test
    void getWithoutHandlerIs404() throws IOException {
        start(ListenerOptions.builder());
        String r = exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 404 Not Found\r\n"), r);
        assertTrue(r.contains("\r\nContent-Length: "), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
    }

    @Test
    void handlerFailureIs500() throws IOException {
        start(ListenerOptions.builder().httpHandler(r -> {
            throw new IllegalStateException("boom");
        }));
        String r = exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), r);
    }

    @Test
    void postIs405WithAllow() throws IOException {
        start(ListenerOptions.builder().httpHandler(r -> HttpResponse.html("never")));
        String r = exchange("POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
        assertTrue(r.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), r);
        assertTrue(r.contains("\r\nAllow: GET, HEAD\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
    }

    @Test
    void headLargerThanTheLimitIs431() throws IOException {
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().maxRequestHeadBytes(1024).build())
                .build();
        start(server, ListenerOptions.builder());
        String r = exchange("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(4000) + "\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\n"), r);
    }

    @Test
    void malformedHeadIs400() throws IOException {
        start(ListenerOptions.builder());
        String r = exchange("GET / HTTP/1.1\r\nHost: localhost\r\nX: folded\r\n continued\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 400 Bad Request\r\n"), r);
    }

    @Test
    void aStalledClientIsDroppedAfterTheHandshakeTimeout() throws IOException {
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().handshakeTimeout(Duration.ofMillis(300)).build())
                .build();
        start(server, ListenerOptions.builder());
        try (RawClient c = new RawClient(listener.address())) {
            // Half a head, then silence: the server must not wait for the rest forever.
            String r = c.send("GET / HTTP/1.1\r\nHost: local").readToEnd();
            assertTrue(r.startsWith("HTTP/1.1 408 Request Timeout\r\n"), r);
        }
    }

    @Test
    void aSilentClientIsClosedWithoutAnAnswer() throws IOException {
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().handshakeTimeout(Duration.ofMillis(300)).build())
                .build();
        start(server, ListenerOptions.builder());
        try (RawClient c = new RawClient(listener.address())) {
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void beyondMaxConnectionsIs503() throws IOException {
        start(ListenerOptions.builder().maxConnections(1));
        try (RawClient first = new RawClient(listener.address())) {
            // The first holds the only slot (it stays in its handshake); connections are accepted in order.
            String r = exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), r);
            assertTrue(r.contains("\r\nConnection: close\r\n"), r);
            assertEquals(1, listener.connectionCount());
            first.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(first.readToEnd().startsWith("HTTP/1.1 404 "));
        }
    }

    @Test
    void closeStopsAcceptingAndDropsConnectionsInTheirHandshake() throws IOException {
        start(ListenerOptions.builder());
        InetSocketAddress address = listener.address();
        try (RawClient idle = new RawClient(address)) {
            idle.send("GET / HTTP/1.1\r\n");
            listener.close();
            // Dropped without an answer: end of stream, or a reset when the bytes sent were never read
            // (or the connection was still in the backlog); either way no response and no hang.
            try {
                assertEquals("", idle.readToEnd());
            } catch (SocketException e) {
                assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
            }
        }
        assertEquals(0, listener.connectionCount());
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(address, 5_000);
            }
        });
        listener.close(); // idempotent
    }

    @Test
    void closeRightAfterStart() throws IOException {
        start(ListenerOptions.builder());
        listener.close();
        assertFalse(listener.toString().isEmpty());
    }
}
