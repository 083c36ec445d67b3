package dev.shuttle.websocket.undertow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.RecordingHandler;
import io.undertow.server.handlers.ResponseCodeHandler;

/**
 * wss through Undertow's HTTPS listener, with a self-signed certificate made by the JDK's keytool
 * for this run, and the JDK's java.net.http client trusting exactly that certificate.
 */
class UndertowTlsTest {
    private static final char[] PASSWORD = "shuttle-test".toCharArray();
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    private UndertowFixture fixture;
    private HttpClient http;
    private Peer peer;

    @BeforeAll
    static void certificate() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "tls"));
        Path store = dir.resolve("undertow-test.p12");
        Files.deleteIfExists(store);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "shuttle",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), "keytool: " + out);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.ws.abort();
        }
        if (http != null) {
            // Not close(): it waits for every open WebSocket of the client, forever.
            http.shutdownNow();
        }
        if (fixture != null) {
            fixture.stop();
        }
    }

    private CompletableFuture<WatchedTransport> watched;

    private URI start(RecordingHandler handler) {
        watched = new CompletableFuture<>();
        fixture = new UndertowFixture(serverContext, ResponseCodeHandler.HANDLE_404, t -> {
            WatchedTransport w = new WatchedTransport(t);
            watched.complete(w);
            return w;
        });
        return fixture.start(WebSocketServer.builder().handler(handler).build());
    }

    private Peer connect(URI uri) throws Exception {
        assertEquals("wss", uri.getScheme());
        http = HttpClient.newBuilder().sslContext(clientContext).build();
        Peer p = new Peer();
        p.ws = http.newWebSocketBuilder().buildAsync(uri, p).get(10, TimeUnit.SECONDS);
        peer = p;
        return p;
    }

    @Test
    @Timeout(60)
    void echoesTextAndALargeBinaryOverTls() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Peer client = connect(start(server));
        assertTrue(watched.get(10, TimeUnit.SECONDS).isSecure(), "the transport reports TLS");

        client.ws.sendText("hello over tls", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello over tls", new String(client.next().data));

        byte[] big = new byte[1 << 20]; // the default frame limit: many TLS records each way
        new Random(7).nextBytes(big);
        client.ws.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        Message echo = client.next();
        assertTrue(echo.binary);
        assertArrayEquals(big, echo.data);
    }

    /** Reader and drainer work the TLS conduit at the same time: many messages in flight both ways. */
    @Test
    @Timeout(60)
    void fullDuplexOverTls() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Peer client = connect(start(server));
        int count = 200;
        Random random = new Random(11);
        byte[][] sent = new byte[count][];
        for (int i = 0; i < count; i++) {
            sent[i] = new byte[8192 + random.nextInt(16384)];
            random.nextBytes(sent[i]);
            client.ws.sendBinary(ByteBuffer.wrap(sent[i]), true).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(sent[i], client.next().data, "message " + i);
        }
    }

    @Test
    @Timeout(60)
    void closeHandshakeOverTls() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Peer client = connect(start(server));
        client.ws.sendText("bye", true).get(10, TimeUnit.SECONDS);
        assertEquals("bye", new String(client.next().data));

        client.ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);

        assertEquals(1000, client.closed.get(10, TimeUnit.SECONDS));
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(1000, close.code());
        assertEquals("done", close.reason());
    }

    private record Message(boolean binary, byte[] data) {
    }

    /** The java.net.http listener: whole messages into a queue, the close code into a future. */
    private static final class Peer implements WebSocket.Listener {
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        WebSocket ws;

        Message next() throws InterruptedException {
            Message m = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message within 10 s");
            return m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(new Message(false, text.toString().getBytes()));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                messages.add(new Message(true, partial.toByteArray()));
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
