package dev.shuttle.examples;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A java.net.http WebSocket client that queues every whole message it receives. It is an
 * independent peer: the JDK answers pings with pongs by itself.
 */
final class TestClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A received message: text, or binary bytes. */
    record Message(String text, byte[] binary) {
        boolean isText() {
            return text != null;
        }
    }

    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    TestClient(HttpClient http, URI uri) {
        socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new Collector()).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendText(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The first message that matches, skipping others (e.g. broadcast ticks); fails after {@link #WAIT}. */
    Message await(Predicate<Message> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (long left = WAIT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Message m = received.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no matching message within " + WAIT);
    }

    Message awaitText(String text) throws InterruptedException {
        return await(m -> text.equals(m.text()));
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** Joins fragments into whole messages; asks for one more message each time (flow control). */
    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(new Message(text.toString(), null));
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
                received.add(new Message(null, binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
