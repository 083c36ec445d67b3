package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketServer;

/**
 * Upgrades through the listener; these need the real handshake functions and connection engine
 * (tagged so they run once those are integrated).
 */
@Tag("needs-engine")
@Timeout(30)
class ListenerUpgradeTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** RFC 6455 §1.3's sample key and its accept value. */
    private static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private Listener listener;

    @AfterEach
    void closeListener() {
        if (listener != null) {
            listener.close();
        }
    }

    private static WebSocketServer echo() {
        return WebSocketServer.builder()
                .onData((c, isBinary, data) -> {
                    if (isBinary) {
                        c.write(data);
                    } else {
                        c.write(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .build();
    }

    private Listener start(WebSocketServer server) throws IOException {
        listener = Listener.start(server, ListenerOptions.builder().address(ANY_LOOPBACK_PORT).build());
        return listener;
    }

    private static String upgradeRequest(String extraHeaders) {
        return "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + SAMPLE_KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    /** A client frame (RFC 6455 §5.2) with FIN, a small payload and a fixed mask. */
    private static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] f = new byte[6 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            f[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return f;
    }

    @Test
    void rawUpgradeAnswers101WithTheAcceptKeyAndKeepsBytesSentWithTheRequest() throws IOException {
        start(echo());
        try (RawClient c = new RawClient(listener.address())) {
            byte[] head = upgradeRequest("").getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = maskedFrame(0x1, "hi".getBytes(StandardCharsets.UTF_8));
            byte[] both = new byte[head.length + frame.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            // The frame rides in the same segment as the head: the listener must hand it to the engine.
            c.send(both);

            String response = c.readHead();
            assertTrue(response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), response);
            assertTrue(response.toLowerCase().contains("\r\nupgrade: websocket\r\n"), response);
            assertTrue(response.toLowerCase().contains("\r\nconnection: upgrade\r\n"), response);
            assertTrue(response.contains("\r\nSec-WebSocket-Accept: " + SAMPLE_ACCEPT + "\r\n"), response);
            assertArrayEquals(new byte[] {(byte) 0x81, 2, 'h', 'i'}, c.readExactly(4));
            assertEquals(1, listener.connectionCount());

            c.send(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8}));
            assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}, c.readExactly(4));
            assertEquals(-1, c.read(), "the server closes TCP after the close handshake (RFC 6455 §7.1.1)");
        }
    }

    static Stream<Arguments> malformedUpgrades() {
        String base = "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        return Stream.of(
                Arguments.of("missing key", "GET / HTTP/1.1\r\n" + base + "Sec-WebSocket-Version: 13\r\n\r\n", 400, null),
                Arguments.of("bad key", "GET / HTTP/1.1\r\n" + base + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, null),
                Arguments.of("version 8", "GET / HTTP/1.1\r\n" + base + "Sec-WebSocket-Key: " + SAMPLE_KEY
                        + "\r\nSec-WebSocket-Version: 8\r\n\r\n", 426, "Sec-WebSocket-Version: 13"),
                Arguments.of("no Connection: Upgrade", "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nSec-WebSocket-Key: "
                        + SAMPLE_KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, null),
                Arguments.of("POST", "POST / HTTP/1.1\r\n" + base + "Sec-WebSocket-Key: " + SAMPLE_KEY
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 405, null),
                Arguments.of("HTTP/1.0", "GET / HTTP/1.0\r\n" + base + "Sec-WebSocket-Key: " + SAMPLE_KEY
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, null));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformedUpgrades")
    void malformedUpgradeIsRefused(String name, String request, int status, String header) throws IOException {
        start(echo());
        try (RawClient c = new RawClient(listener.address())) {
            String r = c.send(request).readToEnd();
            assertTrue(r.startsWith("HTTP/1.1 " + status + " " + HttpResponses.reason(status) + "\r\n"), r);
            assertTrue(r.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), r);
            assertTrue(r.contains("\r\nContent-Length: "), r);
            assertTrue(r.contains("\r\nConnection: close\r\n"), r);
            if (header != null) {
                assertTrue(r.contains("\r\n" + header + "\r\n"), r);
            }
        }
    }

    @Test
    void hookRefusalCarriesItsStatusHeadersAndBody() throws IOException {
        start(WebSocketServer.builder().upgradeHook((request, attributes) -> {
            throw new UpgradeRejectedException(401, "who are you").header("WWW-Authenticate", "Bearer");
        }).build());
        try (RawClient c = new RawClient(listener.address())) {
            String r = c.send(upgradeRequest("")).readToEnd();
            assertTrue(r.startsWith("HTTP/1.1 401 Unauthorized\r\n"), r);
            assertTrue(r.contains("\r\nWWW-Authenticate: Bearer\r\n"), r);
            assertTrue(r.contains("who are you"), r);
        }
    }

    @Test
    void originOutsideTheAllowListIs403() throws IOException {
        start(WebSocketServer.builder().allowedOrigins("https://good.example").build());
        try (RawClient c = new RawClient(listener.address())) {
            String r = c.send(upgradeRequest("Origin: https://evil.example\r\n")).readToEnd();
            assertTrue(r.startsWith("HTTP/1.1 403 Forbidden\r\n"), r);
        }
    }

    @Test
    void closingTheListenerSends1001ToOpenWebSockets() throws Exception {
        start(echo());
        try (RawClient c = new RawClient(listener.address())) {
            String response = c.send(upgradeRequest("")).readHead();
            assertTrue(response.startsWith("HTTP/1.1 101 "), response);
            c.send(maskedFrame(0x2, new byte[] {1, 2, 3}));
            assertArrayEquals(new byte[] {(byte) 0x82, 3, 1, 2, 3}, c.readExactly(5));
            assertEquals(1, listener.connectionCount());

            // close() waits for the close handshake, so it runs beside this client answering it.
            Thread closer = Thread.ofVirtual().start(listener::close);
            byte[] header = c.readExactly(2);
            assertEquals((byte) 0x88, header[0]);
            byte[] payload = c.readExactly(header[1]);
            assertEquals(1001, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
            c.send(maskedFrame(0x8, new byte[] {payload[0], payload[1]}));
            assertEquals(-1, c.read());
            assertTrue(closer.join(java.time.Duration.ofSeconds(20)));
            assertEquals(0, listener.connectionCount());
        }
    }
}
