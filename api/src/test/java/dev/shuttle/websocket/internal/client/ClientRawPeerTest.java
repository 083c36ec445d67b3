package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import dev.shuttle.websocket.WebSocketHandshakeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against a hand-written peer: masking, handshake refusals on the wire, timeouts, the §7.1.1 close. */
@Timeout(60)
class ClientRawPeerTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    /** Connects on a virtual thread while the raw server answers on this one. */
    private static CompletableFuture<WebSocket> connect(WebSocketClient client, URI uri) {
        return client.connectAsync(uri);
    }

    private static WebSocket open(RawServer server, Recorder r, Options options) throws Exception {
        CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().handler(r).options(options).build(), server.uri());
        server.acceptRequest();
        server.send(server.switching(""));
        return ws.get(10, TimeUnit.SECONDS);
    }

    @Test
    void framesAreMaskedWithADifferentKeyEachTime() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocket ws = open(server, new Recorder(), Options.defaults());
            ws.write("hello");
            ws.write(HELLO);
            RawServer.WireFrame text = server.readFrame();
            RawServer.WireFrame binary = server.readFrame();
            assertTrue(text.masked() && binary.masked(), "RFC 6455 §5.3: every client frame is masked");
            assertTrue(text.fin());
            assertEquals(0x1, text.opcode());
            assertEquals(0x2, binary.opcode());
            assertArrayEquals(HELLO, text.payload());
            assertArrayEquals(HELLO, binary.payload());
            assertNotEquals(text.maskKey(), binary.maskKey());
            ws.abort();
        }
    }

    @Test
    void theRequestIsAProperUpgrade() throws Exception {
        try (RawServer server = new RawServer()) {
            CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().origin("http://app.example")
                    .header("Cookie", "a=1").build(), URI.create(server.uri() + "?q=2"));
            String head = server.acceptRequest();
            assertTrue(head.startsWith("GET /raw?q=2 HTTP/1.1\r\nHost: 127.0.0.1:" + server.server.getLocalPort() + "\r\n"), head);
            assertTrue(head.contains("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Version: 13\r\n"), head);
            assertTrue(head.contains("\r\nOrigin: http://app.example\r\n") && head.contains("\r\nCookie: a=1\r\n"), head);
            server.send(server.switching(""));
            ws.get(10, TimeUnit.SECONDS).abort();
        }
    }

    @Test
    void bytesAfterThe101AreTheFirstFrames() throws Exception {
        try (RawServer server = new RawServer()) {
            Recorder r = new Recorder();
            CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().handler(r).build(), server.uri());
            server.acceptRequest();
            // One write: the head and two frames arrive together, the client must not lose them.
            server.send(server.switching("").getBytes(StandardCharsets.ISO_8859_1),
                    RawServer.frame(0x1, "early".getBytes(StandardCharsets.UTF_8)), RawServer.frame(0x2, HELLO));
            assertEquals("early", r.next().text());
            assertArrayEquals(HELLO, r.next().data());
            ws.get(10, TimeUnit.SECONDS).abort();
        }
    }

    /** RFC 6455 §7.1.1: once the close frames crossed, the server closes TCP first; the client waits for it. */
    @Test
    void afterTheServersCloseTheClientWaitsForTheServerToCloseTcp() throws Exception {
        try (RawServer server = new RawServer()) {
            Recorder r = new Recorder();
            open(server, r, Options.defaults());
            server.send(RawServer.closeFrame(CloseCode.NORMAL));
            RawServer.WireFrame answer = server.readFrame();
            assertEquals(0x8, answer.opcode());
            assertTrue(answer.masked());
            assertEquals(CloseCode.NORMAL, ((answer.payload()[0] & 0xFF) << 8) | (answer.payload()[1] & 0xFF));
            // The client must keep its end open: a short bounded read sees no end of stream.
            Socket s = server.socket();
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            assertFalse(r.closed.isDone(), "onClose waits for the TCP close");
            s.close();
            Recorder.Closed closed = r.awaitClosed();
            assertEquals(CloseCode.NORMAL, closed.code());
            assertNull(closed.cause());
        }
    }

    @Test
    void aServerThatNeverClosesTcpIsDroppedAfterTheCloseTimeout() throws Exception {
        try (RawServer server = new RawServer()) {
            Recorder r = new Recorder();
            WebSocket ws = open(server, r, Options.defaults().toBuilder().closeTimeout(Duration.ofMillis(300)).build());
            ws.close(CloseCode.NORMAL, "");
            assertEquals(0x8, server.readFrame().opcode());
            // No answer from the server: the client gives up after the close timeout and closes TCP.
            Recorder.Closed closed = r.awaitClosed();
            assertEquals(CloseCode.NORMAL, closed.code(), "the code we sent");
            assertNotNull(closed.cause(), "the handshake did not complete");
            assertEquals(-1, server.socket().getInputStream().read());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 403 Forbidden\\r\\nContent-Length: 0\\r\\n\\r\\n|403|server answered 403 Forbidden",
            "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi|200|server answered 200 OK",
            "HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: xxxxxxxxxxxxxxxxxxxxxxxxxxx=\\r\\n\\r\\n|101|Sec-WebSocket-Accept mismatch",
            "SUBPROTOCOL|101|server chose subprotocol mqtt",
            "EXTENSION|101|server accepted extension permessage-deflate that was not offered",
    })
    void aBadAnswerIsAHandshakeExceptionWithTheStatus(String response, int status, String message) throws Exception {
        try (RawServer server = new RawServer()) {
            CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().subprotocols("chat").build(), server.uri());
            server.acceptRequest();
            server.send(switch (response) {
                case "SUBPROTOCOL" -> server.switching("Sec-WebSocket-Protocol: mqtt\r\n");
                case "EXTENSION" -> server.switching("Sec-WebSocket-Extensions: permessage-deflate\r\n");
                default -> response.replace("\\r\\n", "\r\n");
            });
            Throwable e = assertThrows(Exception.class, () -> ws.get(10, TimeUnit.SECONDS)).getCause();
            WebSocketHandshakeException h = assertInstanceOfHandshake(e);
            assertEquals(status, h.status());
            assertTrue(h.getMessage().startsWith(message), h.getMessage());
            // The client closed the socket after refusing.
            server.socket().setSoTimeout(10_000);
            assertEquals(-1, server.socket().getInputStream().read());
        }
    }

    @Test
    void anOversizedResponseHeadIsRefused() throws Exception {
        try (RawServer server = new RawServer()) {
            CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().build(), server.uri());
            server.acceptRequest();
            server.send("HTTP/1.1 101 Switching Protocols\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
            WebSocketHandshakeException h = assertInstanceOfHandshake(assertThrows(Exception.class, () -> ws.get(10, TimeUnit.SECONDS)).getCause());
            assertTrue(h.getMessage().contains("larger than 8192"), h.getMessage());
        }
    }

    @Test
    void aServerThatNeverAnswersHitsTheHandshakeTimeout() throws Exception {
        try (RawServer server = new RawServer()) {
            WebSocketClient client = WebSocketClient.builder()
                    .options(Options.defaults().toBuilder().handshakeTimeout(Duration.ofMillis(300)).build()).build();
            CompletableFuture<WebSocket> ws = connect(client, server.uri());
            server.acceptRequest(); // and says nothing
            Throwable e = assertThrows(Exception.class, () -> ws.get(10, TimeUnit.SECONDS)).getCause();
            assertTrue(e instanceof SocketTimeoutException, String.valueOf(e));
            assertEquals(-1, server.socket().getInputStream().read(), "the client closed its socket");
        }
    }

    /**
     * A listening socket whose accept queue is full drops new SYNs (Linux), so a connect hangs
     * until the connect timeout: loopback only, nothing routed.
     */
    @Test
    void aConnectThatHangsHitsTheConnectTimeout() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            boolean hangs = false;
            for (int i = 0; i < 16 && !hangs; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(address, 200);
                } catch (SocketTimeoutException e) {
                    hangs = true;
                }
            }
            Assumptions.assumeTrue(hangs, "this system does not drop SYNs to a full accept queue");
            WebSocketClient client = WebSocketClient.builder().connectTimeout(Duration.ofMillis(300)).build();
            // The connect timeout is what ends the attempt: the exception type says so, and the
            // test's own @Timeout bounds it should the option be ignored.
            assertThrows(SocketTimeoutException.class, () -> client.connect(URI.create("ws://127.0.0.1:" + full.getLocalPort() + "/")));
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void aServerThatClosesBeforeAnsweringIsAnIoError() throws Exception {
        try (RawServer server = new RawServer()) {
            CompletableFuture<WebSocket> ws = connect(WebSocketClient.builder().build(), server.uri());
            server.acceptRequest();
            server.socket().close();
            Throwable e = assertThrows(Exception.class, () -> ws.get(10, TimeUnit.SECONDS)).getCause();
            assertTrue(e instanceof IOException && !(e instanceof WebSocketHandshakeException), String.valueOf(e));
        }
    }

    private static WebSocketHandshakeException assertInstanceOfHandshake(Throwable e) {
        assertTrue(e instanceof WebSocketHandshakeException, String.valueOf(e));
        return (WebSocketHandshakeException) e;
    }
}
