package dev.shuttle.examples.chamber;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A chamber member on the JDK's own WebSocket client (java.net.http), an independent peer: it
 * offers the {@code echo} subprotocol, joins fragments into messages and queues them; binary
 * messages are queued as {@code "binary:"} plus their UTF-8 reading, which is enough here.
 */
final class JdkClient implements AutoCloseable {
    static final long WAIT_SECONDS = 10;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** The close code the server sent, once it did. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final WebSocket socket;

    JdkClient(HttpClient http, int port, String target) {
        socket = http.newWebSocketBuilder()
                .subprotocols(EchoChamberServer.PROTOCOL)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + target), new Collector())
                .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS)
                .join();
    }

    void send(String text) {
        socket.sendText(text, true).orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    /** The next message; fails after the hang guard. */
    String next() throws InterruptedException {
        String m = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + WAIT_SECONDS + " s");
        }
        return m;
    }

    /**
     * The messages that arrive before {@code last}, which is consumed. A sender's messages reach
     * each member in the order sent, so a marker sent after a message by the same sender
     * proves that the message has arrived or never will. No waiting for silence.
     */
    java.util.List<String> until(String last) throws InterruptedException {
        java.util.List<String> before = new java.util.ArrayList<>();
        for (String m = next(); !m.equals(last); m = next()) {
            before.add(m);
        }
        return before;
    }

    int closeCode() {
        return closed.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

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
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                received.add("binary:" + binary.toString(StandardCharsets.UTF_8));
                binary.reset();
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
