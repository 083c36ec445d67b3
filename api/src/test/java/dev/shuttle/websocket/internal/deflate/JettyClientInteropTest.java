package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;

/**
 * Interop with an independent implementation: Jetty 12's WebSocket client, permessage-deflate on,
 * against Shuttle's echo server on the built-in listener. Every message size from empty to 1 MiB,
 * text (compressible) and binary (random, incompressible), whole and fragmented by Jetty, with
 * and without context takeover in each direction.
 */
@Timeout(120)
class JettyClientInteropTest {
    private static final int[] SIZES = {0, 1, 100, 10 << 10, 200 << 10, 1 << 20};
    private static final long LIMIT = 4 << 20;

    private static WebSocketClient jetty;

    /** How the two ends agree: the server's mode and Jetty's offer. */
    enum Mode {
        CONTEXT_TAKEOVER(Compression.defaults(), "permessage-deflate", "permessage-deflate"),
        LOW_MEMORY_SERVER(Compression.builder().lowMemory(true).build(), "permessage-deflate",
                "permessage-deflate; server_no_context_takeover"),
        // Jetty 12.1's client keeps its own window unless its offer also names
        // server_no_context_takeover (it reads its offer from the server's point of view), so
        // both are offered here; the server then inflates with pooled inflaters.
        LOW_MEMORY_BOTH(Compression.builder().lowMemory(true).build(),
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
        CLIENT_ASKS_NO_TAKEOVER(Compression.defaults(), "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
        FALLBACK_FROM_SMALL_WINDOW(Compression.builder().threshold(0).build(),
                "permessage-deflate; server_max_window_bits=10, permessage-deflate; client_max_window_bits", "permessage-deflate");

        final Compression server;
        final String offer;
        final String answer;

        Mode(Compression server, String offer, String answer) {
            this.server = server;
            this.offer = offer;
            this.answer = answer;
        }
    }

    @BeforeAll
    static void startJetty() throws Exception {
        jetty = new WebSocketClient();
        jetty.setMaxTextMessageSize(LIMIT);
        jetty.setMaxBinaryMessageSize(LIMIT);
        jetty.setMaxFrameSize(LIMIT);
        jetty.start();
    }

    @AfterAll
    static void stopJetty() throws Exception {
        jetty.stop();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void echoesEverySize(Mode mode) throws Exception {
        BuiltinFixture fixture = new BuiltinFixture();
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().maxFramePayload(LIMIT).maxMessageSize(LIMIT).compression(mode.server).build())
                .onData((c, binary, data) -> {
                    if (binary) {
                        c.write(data);
                    } else {
                        c.write(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .build();
        URI uri = fixture.start(server);
        Echo echo = new Echo();
        try {
            ClientUpgradeRequest request = new ClientUpgradeRequest();
            for (String offer : mode.offer.split(",\\s*")) {
                request.addExtensions(ExtensionConfig.parse(offer));
            }
            Session session = jetty.connect(echo, uri, request).get(10, TimeUnit.SECONDS);
            assertEquals(mode.answer, session.getUpgradeResponse().getHeader("Sec-WebSocket-Extensions"));
            assertEquals("permessage-deflate", session.getUpgradeResponse().getExtensions().get(0).getName());
            Random random = new Random(42);
            for (int size : SIZES) {
                for (boolean fragmented : new boolean[] {false, true}) {
                    String text = new String(DeflateCodecTest.sample(size, size), StandardCharsets.US_ASCII);
                    sendText(session, text, fragmented);
                    assertEquals(text, echo.nextText(), "text of " + size + (fragmented ? " in fragments" : ""));
                    byte[] data = new byte[size];
                    random.nextBytes(data);
                    sendBinary(session, data, fragmented);
                    assertArrayEquals(data, echo.nextBinary(), "binary of " + size + (fragmented ? " in fragments" : ""));
                }
            }
            session.close(1000, "done", Callback.NOOP);
            assertEquals(1000, echo.closed.get(10, TimeUnit.SECONDS));
        } finally {
            fixture.stop();
        }
    }

    private static void sendText(Session session, String text, boolean fragmented) throws Exception {
        if (!fragmented) {
            await(c -> session.sendText(text, c));
            return;
        }
        int a = text.length() / 3;
        int b = 2 * text.length() / 3;
        await(c -> session.sendPartialText(text.substring(0, a), false, c));
        await(c -> session.sendPartialText(text.substring(a, b), false, c));
        await(c -> session.sendPartialText(text.substring(b), true, c));
    }

    private static void sendBinary(Session session, byte[] data, boolean fragmented) throws Exception {
        if (!fragmented) {
            await(c -> session.sendBinary(ByteBuffer.wrap(data), c));
            return;
        }
        int a = data.length / 3;
        int b = 2 * data.length / 3;
        await(c -> session.sendPartialBinary(ByteBuffer.wrap(data, 0, a), false, c));
        await(c -> session.sendPartialBinary(ByteBuffer.wrap(data, a, b - a), false, c));
        await(c -> session.sendPartialBinary(ByteBuffer.wrap(data, b, data.length - b), true, c));
    }

    private static void await(java.util.function.Consumer<Callback> send) throws Exception {
        Callback.Completable done = new Callback.Completable();
        send.accept(done);
        done.get(10, TimeUnit.SECONDS);
    }

    /** Jetty's side: whole messages into a queue. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onWebSocketText(String message) {
            messages.add(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            messages.add(b);
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed.complete(statusCode);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            messages.add(cause);
            closed.completeExceptionally(cause);
        }

        String nextText() throws Exception {
            Object o = next();
            return (String) o;
        }

        byte[] nextBinary() throws Exception {
            return (byte[]) next();
        }

        private Object next() throws Exception {
            Object o = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(o, "no message from Shuttle within 10 s");
            if (o instanceof Throwable t) {
                throw new AssertionError("Jetty failed", t);
            }
            return o;
        }
    }
}
