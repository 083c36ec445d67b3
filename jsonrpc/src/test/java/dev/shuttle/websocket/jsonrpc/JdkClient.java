package dev.shuttle.websocket.jsonrpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK's WebSocket client (an independent peer) queueing each whole text message in order. */
final class JdkClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    JdkClient(URI uri) {
        socket = HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new Collector())
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void send(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The next message; fails after {@link #WAIT}. */
    String next() throws InterruptedException {
        String m = received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return m;
    }

    /** Sends and returns the next message received. */
    String call(String text) throws InterruptedException {
        send(text);
        return next();
    }

    /** What is already queued and not yet taken, without waiting. */
    String pending() {
        return received.poll();
    }

    /** The close code the server sent; waits for it. */
    int closeCode() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
