package dev.shuttle.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The JDK's {@code java.net.http.WebSocket} client as an independent peer. It answers pings and
 * close frames by itself. Each client has its own {@link HttpClient}, shut down by {@link #close()}.
 * Every wait is bounded by {@link #WAIT}.
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
    /** The server's close frame; 1006 with the error as reason if the connection failed instead. */
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    /** Completed (before {@link #closed}) if the connection failed. */
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();

    private final HttpClient httpClient;
    private final WebSocket webSocket;

    private JdkClient(Builder b) throws Exception {
        httpClient = HttpClient.newHttpClient();
        try {
            webSocket = b.webSocketBuilder(httpClient).buildAsync(b.uri, new Listener())
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            httpClient.shutdownNow();
            throw e;
        }
    }

    public static JdkClient connect(URI uri, String... subprotocols) throws Exception {
        return builder(uri).subprotocols(subprotocols).connect();
    }

    /** For request headers or subprotocols; {@link Builder#connect()} or {@link Builder#refusalStatus()}. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The HTTP status with which the server refuses to upgrade {@code uri}; fails if it does not. */
    public static int refusalStatus(URI uri) {
        return builder(uri).refusalStatus();
    }

    /** The opening handshake's request: the URI, extra headers and offered subprotocols. */
    public static final class Builder {
        private final URI uri;
        private final List<String[]> headers = new ArrayList<>();
        private String[] subprotocols = new String[0];

        private Builder(URI uri) {
            this.uri = uri;
        }

        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Offered in this order; none by default. */
        public Builder subprotocols(String... offered) {
            subprotocols = offered.clone();
            return this;
        }

        /** Opens the connection; an {@code ExecutionException} if the upgrade fails. */
        public JdkClient connect() throws Exception {
            return new JdkClient(this);
        }

        /**
         * The HTTP status with which the server refuses the upgrade. Fails if the upgrade
         * succeeds or fails otherwise (no answer within {@link #WAIT}, a broken connection).
         */
        public int refusalStatus() {
            HttpClient http = HttpClient.newHttpClient();
            try {
                return webSocketBuilder(http).buildAsync(uri, new WebSocket.Listener() { })
                        .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .handle((ws, e) -> {
                            if (ws != null) {
                                ws.abort();
                                throw new AssertionError("the upgrade to " + uri + " succeeded");
                            }
                            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                            if (cause instanceof WebSocketHandshakeException h) {
                                return h.getResponse().statusCode();
                            }
                            throw new AssertionError("not a handshake refusal", e);
                        }).join();
            } finally {
                http.shutdownNow();
            }
        }

        private WebSocket.Builder webSocketBuilder(HttpClient http) {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
            for (String[] h : headers) {
                builder.header(h[0], h[1]);
            }
            if (subprotocols.length > 0) {
                builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
            }
            return builder;
        }
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

    /** Sends a text message and returns the next message received, which must be text. */
    public String call(String text) throws Exception {
        sendText(text);
        return nextText();
    }

    /** Sends a 1000 close frame and waits for the server's; fails if the connection fails instead. */
    public void closeNormally() throws Exception {
        sendClose(WebSocket.NORMAL_CLOSURE, "");
        closeCode();
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

    /** The next whole message, which must be a text message; its text. */
    public String nextText() throws InterruptedException {
        Message m = nextMessage();
        if (m.binary()) {
            throw new AssertionError("a binary message (" + m.data().length + " bytes: " + m.text()
                    + ") where a text message was expected");
        }
        return m.text();
    }

    /**
     * The first message that {@code wanted} accepts, dropping the ones before it (e.g. periodic
     * ticks); fails if none arrives within {@link #WAIT} in all.
     */
    public Message await(Predicate<Message> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (long left = WAIT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Message m = messages.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no matching message at the JDK client within " + WAIT);
    }

    /** The first text message equal to {@code text}, dropping the ones before it. */
    public Message awaitText(String text) throws InterruptedException {
        return await(m -> !m.binary() && m.text().equals(text));
    }

    /**
     * The text messages that arrive before {@code marker}, which is consumed. One sender's
     * messages reach a client in the order sent, so a marker sent after a message by the same
     * sender proves that the message has arrived or never will: no waiting for silence.
     */
    public List<String> until(String marker) throws InterruptedException {
        List<String> before = new ArrayList<>();
        for (String m = nextText(); !m.equals(marker); m = nextText()) {
            before.add(m);
        }
        return before;
    }

    /** A message already received and not yet taken, without waiting; null if there is none. */
    public Message pending() {
        return messages.poll();
    }

    /** The server's close frame, or 1006 if the connection failed (see {@link #error}). */
    public Closed awaitClosed() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The code of the server's close frame; fails if the connection failed without one. */
    public int closeCode() throws Exception {
        Closed c = awaitClosed();
        Throwable e = error.getNow(null);
        if (e != null) {
            throw new AssertionError("the connection failed without a close frame", e);
        }
        return c.code();
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
