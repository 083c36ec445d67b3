package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/**
 * A server handler that records what happens, for assertions from the test thread: the
 * connection, every message, ping, pong, error and close, with the order of callbacks. Echoes
 * every message back when built with {@link #echo()}. Subclass and call {@code super} to add
 * behaviour.
 */
public class RecordingHandler implements WebSocketHandler {
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** One onClose call. */
    public record Close(WebSocket connection, int code, String reason, Throwable cause) {
    }

    /** One onData call. */
    public record Message(boolean binary, byte[] data) {
        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    public final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> pings = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    public final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    public final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    /** Callback names in order, e.g. "open", "data", "close". */
    public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    public final AtomicInteger closeCount = new AtomicInteger();
    private final boolean echo;

    public RecordingHandler() {
        this(false);
    }

    protected RecordingHandler(boolean echo) {
        this.echo = echo;
    }

    public static RecordingHandler echo() {
        return new RecordingHandler(true);
    }

    @Override
    public void onOpen(WebSocket c) {
        events.add("open");
        opened.complete(c);
    }

    @Override
    public void onData(WebSocket c, boolean isBinary, byte[] data) {
        events.add("data");
        messages.add(new Message(isBinary, data));
        if (echo) {
            if (isBinary) {
                c.write(data);
            } else {
                c.write(new String(data, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void onPing(WebSocket c, byte[] payload) {
        events.add("ping");
        pings.add(payload);
    }

    @Override
    public void onPong(WebSocket c, byte[] payload) {
        events.add("pong");
        pongs.add(payload);
    }

    @Override
    public void onError(WebSocket c, Throwable error) {
        events.add("error");
        errors.add(error);
    }

    @Override
    public void onClose(WebSocket c, int code, String reason, Throwable cause) {
        events.add("close");
        closeCount.incrementAndGet();
        closes.add(new Close(c, code, reason, cause));
    }

    public WebSocket connection() throws Exception {
        return opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Message nextMessage() throws InterruptedException {
        return assertArrives(messages, "a message");
    }

    /** Waits for the first onClose, then asserts no second one within a short bounded wait. */
    public Close awaitSingleClose() throws InterruptedException {
        Close first = assertArrives(closes, "onClose");
        assertNull(closes.poll(300, TimeUnit.MILLISECONDS), "onClose ran a second time");
        return first;
    }

    public static <T> T assertArrives(BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(t, what + " did not arrive within " + WAIT);
        return t;
    }
}
