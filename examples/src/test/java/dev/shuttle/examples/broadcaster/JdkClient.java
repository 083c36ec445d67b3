package dev.shuttle.examples.broadcaster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's java.net.http WebSocket client (an independent peer) that queues each whole text
 * message it receives, in order.
 */
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

    /** The upgrade's failure for a URI the server refuses. */
    static Throwable refusal(URI uri) {
        return HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new WebSocket.Listener() { })
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .handle((ws, e) -> {
                    if (ws != null) {
                        ws.abort();
                        throw new AssertionError("the upgrade to " + uri + " succeeded");
                    }
                    return e;
                }).join();
    }

    void send(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The next message received; fails after {@link #WAIT}. */
    String next() throws InterruptedException {
        String m = received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return m;
    }

    /** Closes with 1000 and waits for the server's close. */
    void closeNormally() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
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
