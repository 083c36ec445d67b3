package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;

/**
 * Shuttle's client with permessage-deflate: against Jetty 12's WebSocket server (an independent
 * implementation, deflate on by default) and against Shuttle's own server, every size, with and
 * without context takeover.
 */
@Timeout(120)
class ShuttleClientInteropTest {
    private static final int[] SIZES = {0, 1, 100, 10 << 10, 200 << 10, 1 << 20};
    private static final int LIMIT = 4 << 20;

    private static Server jetty;
    private static URI jettyUri;

    @BeforeAll
    static void startJetty() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(LIMIT);
            container.setMaxBinaryMessageSize(LIMIT);
            container.setMaxFrameSize(LIMIT);
            container.addMapping("/", (request, response, callback) -> new JettyEcho());
        }));
        jetty.start();
        jettyUri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @AfterAll
    static void stopJetty() throws Exception {
        jetty.stop();
    }

    @ParameterizedTest(name = "lowMemory={0}")
    @ValueSource(booleans = {false, true})
    void againstJettyServer(boolean lowMemory) throws Exception {
        String answer = roundTrips(jettyUri, Compression.builder().lowMemory(lowMemory).build());
        assertTrue(answer.startsWith("permessage-deflate"), answer);
        assertEquals(lowMemory, answer.contains("server_no_context_takeover"), answer);
    }

    @ParameterizedTest(name = "lowMemory={0}")
    @ValueSource(booleans = {false, true})
    void againstShuttleServer(boolean lowMemory) throws Exception {
        BuiltinFixture fixture = new BuiltinFixture();
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().maxFramePayload(LIMIT).maxMessageSize(LIMIT).build())
                .onData((c, binary, data) -> {
                    if (binary) {
                        c.write(data);
                    } else {
                        c.writeText(data);
                    }
                })
                .build();
        try {
            String answer = roundTrips(fixture.start(server), Compression.builder().lowMemory(lowMemory).build());
            assertEquals(lowMemory ? "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
                    : "permessage-deflate", answer);
        } finally {
            fixture.stop();
        }
    }

    @Test
    void withoutCompressionNothingIsOffered() throws Exception {
        assertEquals("", roundTrips(jettyUri, Compression.disabled()));
    }

    /** Echo every size as text and binary; returns the server's Sec-WebSocket-Extensions ("" when none). */
    private static String roundTrips(URI uri, Compression compression) throws Exception {
        Queue handler = new Queue();
        WebSocket ws = WebSocketClient.builder()
                .options(Options.defaults().toBuilder().maxFramePayload(LIMIT).maxMessageSize(LIMIT).build())
                .compression(compression)
                .handler(handler)
                .build()
                .connect(uri);
        Map<String, List<String>> headers = ws.attribute(WebSocketClient.RESPONSE_HEADERS);
        List<String> extensions = headers.get("Sec-WebSocket-Extensions");
        Random random = new Random(7);
        for (int size : SIZES) {
            byte[] text = DeflateCodecTest.sample(size, size);
            ws.write(new String(text, StandardCharsets.US_ASCII));
            assertArrayEquals(text, handler.next(), "text of " + size);
            byte[] data = new byte[size];
            random.nextBytes(data);
            ws.write(data);
            assertArrayEquals(data, handler.next(), "binary of " + size);
        }
        ws.close(1000, "");
        assertEquals(Integer.valueOf(1000), handler.closed.poll(10, TimeUnit.SECONDS));
        return extensions == null ? "" : String.join(", ", extensions);
    }

    /** The Shuttle client's side: messages and the close code into queues. */
    private static final class Queue implements WebSocketHandler {
        final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();

        @Override
        public void onData(WebSocket connection, boolean isBinary, byte[] data) {
            messages.add(data);
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, Throwable cause) {
            closed.add(code);
        }

        byte[] next() throws InterruptedException {
            byte[] m = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no echo within 10 s");
            return m;
        }
    }

    /** Jetty's echo; public because Jetty binds listener methods through public method handles. */
    public static final class JettyEcho extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            getSession().sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            getSession().sendBinary(copy, Callback.NOOP);
        }
    }
}
