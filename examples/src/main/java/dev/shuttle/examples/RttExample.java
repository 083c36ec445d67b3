package dev.shuttle.examples;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;

/**
 * Measures the round-trip time to every client with pings: every 2 s each connection gets a
 * ping whose 8-byte payload is the server's {@link System#nanoTime()}; the client must echo the
 * payload in its pong (RFC 6455 §5.5.3), so the pong says when its ping left. Browsers answer
 * pings by themselves; the page only sees the result, which the server sends as text.
 */
public final class RttExample extends Example {
    private final AtomicReference<Ticker> ticker = new AtomicReference<>();

    private final WebSocketServer server = WebSocketServer.builder()
            .onOpen(c -> System.out.println("open " + describe(c.remoteAddress())))
            .onPong(RttExample::onPong)
            .onClose((c, code, reason, cause) ->
                    System.out.println("close " + describe(c.remoteAddress()) + " " + code))
            .build();

    @Override
    public WebSocketServer server() {
        return server;
    }

    private void pingAll() {
        // nanoTime is only comparable within this JVM, which is the only place it is read back.
        byte[] payload = ByteBuffer.allocate(Long.BYTES).putLong(System.nanoTime()).array();
        for (WebSocket c : server.connections()) {
            c.ping(payload);
        }
    }

    private static void onPong(WebSocket c, byte[] payload) {
        // Unsolicited pongs (any payload) are allowed by §5.5.3; only ours carry 8 bytes.
        if (payload.length != Long.BYTES) {
            return;
        }
        long elapsed = System.nanoTime() - ByteBuffer.wrap(payload).getLong();
        if (elapsed < 0) {
            return; // not a timestamp of ours
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(elapsed);
        System.out.println("rtt " + describe(c.remoteAddress()) + " " + micros + " µs");
        c.write("rtt " + micros + " µs");
    }

    @Override
    void startTimers() {
        ticker.set(new Ticker("rtt-ping", Duration.ofSeconds(2), this::pingAll));
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
        return "Shuttle RTT";
    }

    @Override
    String explanation() {
        return "The server pings this page every 2 seconds; your browser answers with a pong, "
                + "and the server sends back the measured round-trip time.";
    }
}
