package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;

/** A client handler that records what happens, for tests to wait on (every wait is bounded). */
final class Recorder implements WebSocketHandler {
    static final long WAIT_SECONDS = 10;

    record Message(boolean binary, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    record Closed(int code, String reason, Throwable cause) {
    }

    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket connection) {
        opened.complete(connection);
    }

    @Override
    public void onData(WebSocket connection, boolean isBinary, byte[] data) {
        messages.add(new Message(isBinary, data));
    }

    @Override
    public void onPong(WebSocket connection, byte[] payload) {
        pongs.add(payload);
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, Throwable cause) {
        closed.complete(new Closed(code, reason, cause));
    }

    Message next() throws InterruptedException {
        Message m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(m, "no message within " + WAIT_SECONDS + " s");
        return m;
    }

    byte[] nextPong() throws InterruptedException {
        byte[] p = pongs.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(p, "no pong within " + WAIT_SECONDS + " s");
        return p;
    }

    Closed awaitClosed() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
