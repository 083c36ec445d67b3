package dev.shuttle.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http.WebSocket} client as an independent peer. It answers pings and
 * close frames by itself.
 */
public final class JdkClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** A whole message (partial deliveries joined). */
    public record Message(boolean binary, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** The server's close frame. */
    public record Closed(int code, String reason) {
    }

    public final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> pings = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();

    private final HttpClient httpClient;
    private final WebSocket webSocket;

    private JdkClient(URI uri, String... subprotocols) throws Exception {
        httpClient = HttpClient.newHttpClient();
        WebSocket.Builder builder = httpClient.newWebSocketBuilder().connectTimeout(WAIT);
        if (subprotocols.length > 0) {
            String[] rest = java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length);
            builder.subprotocols(subprotocols[0], rest);
        }
        webSocket = builder.buildAsync(uri, new Listener()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static JdkClient connect(URI uri, String... subprotocols) throws Exception {
        return new JdkClient(uri, subprotocols);
    }

    public void sendText(String s) throws Exception {
        join(webSocket.sendText(s, true));
    }

    public void sendBinary(byte[] data) throws Exception {
        join(webSocket.sendBinary(ByteBuffer.wrap(data), true));
    }

    public void sendClose(int code, String reason) throws Exception {
        join(webSocket.sendClose(code, reason));
    }

    public String subprotocol() {
        return webSocket.getSubprotocol();
    }

    public boolean isInputClosed() {
        return webSocket.isInputClosed();
    }

    /** The next whole message, or a failed test. */
    public Message nextMessage() throws InterruptedException {
        return RecordingHandler.assertArrives(messages, "a message at the JDK client");
    }

    public Closed awaitClosed() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Aborts the connection and shuts the HTTP client down. */
    @Override
    public void close() {
        webSocket.abort();
        httpClient.shutdownNow();
    }

    private static void join(CompletableFuture<?> future) throws Exception {
        future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** Joins partial deliveries into whole messages and asks for one more each time. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(new Message(false, text.toString().getBytes(StandardCharsets.UTF_8)));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            binary.writeBytes(bytes(data));
            if (last) {
                messages.add(new Message(true, binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.add(bytes(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(new Closed(code, reason));
            return null; // null: the JDK answers with its close frame at once
        }

        @Override
        public void onError(WebSocket ws, Throwable e) {
            error.complete(e);
            closed.complete(new Closed(1006, "error: " + e));
        }
    }
}
