package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import dev.shuttle.websocket.WebSocketHandshakeException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against Shuttle's own built-in listener over loopback. */
@Timeout(60)
class ClientListenerTest {
    private final CompletableFuture<Integer> serverClose = new CompletableFuture<>();
    private Listener listener;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().keepRequestHeaders(true).build())
                .subprotocols("v2.chat", "chat")
                .upgradeHook((request, attributes) -> {
                    if ("wrong".equals(request.header("Authorization"))) {
                        throw new UpgradeRejectedException(401, "who are you").header("WWW-Authenticate", "Bearer");
                    }
                })
                .onData((c, isBinary, data) -> {
                    String text = isBinary ? null : new String(data, StandardCharsets.UTF_8);
                    if ("close please".equals(text)) {
                        c.close(4000, "as you wish");
                    } else if ("whoami".equals(text)) {
                        c.write(c.path() + " " + c.request().header("Authorization") + " " + c.request().header("Cookie"));
                    } else if (isBinary) {
                        c.write(data);
                    } else {
                        c.write(text);
                    }
                })
                .onClose((c, code, reason, cause) -> serverClose.complete(code))
                .build();
        listener = server.listen(ListenerOptions.builder().address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        uri = URI.create("ws://127.0.0.1:" + listener.port() + "/echo?x=1");
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    private WebSocket connect(Recorder r) throws Exception {
        return WebSocketClient.builder().handler(r).build().connect(uri);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 200_000, 1 << 20})
    void echoesTextAndBinaryOfEverySize(int size) throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = connect(r);
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            text.append((char) ('a' + i % 26));
        }
        assertTrue(ws.write(text.toString()).isQueued());
        assertTrue(ws.write(bytes).isQueued());
        Recorder.Message t = r.next();
        assertFalse(t.binary());
        assertEquals(text.toString(), t.text());
        Recorder.Message b = r.next();
        assertTrue(b.binary());
        assertArrayEquals(bytes, b.data());
        ws.close();
        assertEquals(CloseCode.NORMAL, r.awaitClosed().code());
    }

    @Test
    void clientClosesFirst() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = connect(r);
        ws.close(CloseCode.NORMAL, "bye");
        Recorder.Closed closed = r.awaitClosed();
        assertEquals(CloseCode.NORMAL, closed.code());
        assertEquals("bye", closed.reason());
        assertNull(closed.cause());
        assertEquals(CloseCode.NORMAL, serverClose.get(10, TimeUnit.SECONDS));
        assertFalse(ws.isOpen());
    }

    @Test
    void serverClosesFirst() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = connect(r);
        ws.write("close please");
        Recorder.Closed closed = r.awaitClosed();
        assertEquals(4000, closed.code());
        assertEquals("as you wish", closed.reason());
        assertNull(closed.cause(), "a clean close handshake");
        assertEquals(4000, serverClose.get(10, TimeUnit.SECONDS));
    }

    @Test
    void pingGetsItsPong() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = connect(r);
        byte[] payload = {1, 2, 3, 4, 5};
        assertTrue(ws.ping(payload).isQueued());
        assertArrayEquals(payload, r.nextPong());
        ws.close();
    }

    @Test
    void eightThreadsWriteConcurrentlyAndEachKeepsItsOrder() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = connect(r);
        int threads = 8;
        int perThread = 250;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    var result = ws.write(id + ":" + i);
                    if (!result.isQueued()) {
                        throw new AssertionError("not queued: " + result + " " + r.closed.getNow(null));
                    }
                }
            }));
        }
        go.countDown();
        for (Thread w : writers) {
            assertTrue(w.join(java.time.Duration.ofSeconds(10)));
        }
        int[] next = new int[threads];
        for (int n = 0; n < threads * perThread; n++) {
            String[] m = r.next().text().split(":");
            int id = Integer.parseInt(m[0]);
            assertEquals(next[id]++, Integer.parseInt(m[1]), "thread " + id + "'s messages in order");
        }
        ws.close();
    }

    @Test
    void sendsPathQueryHeadersAndNegotiatesASubprotocol() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = WebSocketClient.builder().handler(r)
                .subprotocols("chat")
                .header("Authorization", "Bearer t0k3n")
                .header("Cookie", "session=abc")
                .build()
                .connectAsync(uri).get(10, TimeUnit.SECONDS);
        assertEquals("chat", ws.subprotocol());
        assertEquals("/echo", ws.path());
        assertEquals("x=1", ws.request().query());
        assertEquals("Bearer t0k3n", ws.request().header("authorization"));
        Map<String, List<String>> response = ws.attribute(WebSocketClient.RESPONSE_HEADERS);
        assertEquals(List.of("chat"), response.get("sec-websocket-protocol"));
        ws.write("whoami");
        assertEquals("/echo Bearer t0k3n session=abc", r.next().text());
        assertEquals(ws, r.opened.get(10, TimeUnit.SECONDS));
        ws.close();
    }

    @Test
    void aRefusedUpgradeCarriesStatusAndHeaders() {
        WebSocketClient client = WebSocketClient.builder().header("Authorization", "wrong").build();
        WebSocketHandshakeException e = org.junit.jupiter.api.Assertions.assertThrows(WebSocketHandshakeException.class,
                () -> client.connect(uri));
        assertEquals(401, e.status());
        assertEquals("Bearer", e.header("WWW-Authenticate"));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        CompletableFuture<WebSocket> f = client.connectAsync(uri);
        Throwable cause = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> f.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(cause instanceof WebSocketHandshakeException, String.valueOf(cause));
    }
}
