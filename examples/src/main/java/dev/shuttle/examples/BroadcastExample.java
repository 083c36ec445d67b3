package dev.shuttle.examples;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocketServer;

/**
 * Every message any client sends goes to every connected client (text as text, binary as
 * binary), and the server adds "tick N" every second from its own timer thread. Each message is
 * framed once with {@link PreparedMessage} and the same bytes are queued on every connection,
 * so a broadcast costs one encoding whatever the number of clients.
 */
public final class BroadcastExample extends Example {
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicReference<Ticker> ticker = new AtomicReference<>();

    private final WebSocketServer server = WebSocketServer.builder()
            .onOpen(c -> System.out.println("open " + describe(c.remoteAddress())))
            // Runs on the sender's reader thread and writes to every other connection: writes only
            // enqueue, so a slow receiver never holds up the sender (its queue's policy applies).
            .onData((c, isBinary, data) -> broadcast(isBinary
                    ? PreparedMessage.binary(data)
                    // Text is already validated UTF-8 and `data` is ours: no decode, no copy.
                    : PreparedMessage.textUtf8(data)))
            .onClose((c, code, reason, cause) ->
                    System.out.println("close " + describe(c.remoteAddress()) + " " + code))
            .build();

    @Override
    public WebSocketServer server() {
        return server;
    }

    /** Queues one message on every open connection; returns how many accepted it. */
    int broadcast(PreparedMessage message) {
        return server.broadcast(message);
    }

    @Override
    void startTimers() {
        ticker.set(new Ticker("broadcast-tick", Duration.ofSeconds(1), () -> broadcast(PreparedMessage.text(
                "tick " + ticks.incrementAndGet() + " " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)))));
    }

    @Override
    void stopTimers() {
        Ticker t = ticker.getAndSet(null);
        if (t != null) {
            t.close();
        }
    }

    @Override
    String title() {
        return "Shuttle broadcast";
    }

    @Override
    String explanation() {
        return "Every message anyone sends reaches every connected page; the server adds a tick every second. "
                + "Open this page in two tabs.";
    }
}
