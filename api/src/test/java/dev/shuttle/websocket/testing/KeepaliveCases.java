package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;

/** Automatic pings, orphan detection and the idle timeout. */
public abstract class KeepaliveCases extends FlowCases {

    /** The JDK client answers pings: the connection stays open and the RTT gets measured. */
    @Test
    @Timeout(30)
    void autoPingKeepsAnAnsweringPeerAndMeasuresRtt() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Options options = Options.defaults().toBuilder().pingInterval(Duration.ofMillis(100))
                .pongTimeout(Duration.ofMillis(1000)).build();
        JdkClient client = jdk(start(server, options));
        WebSocket c = server.connection();

        // Wait for pongs (events, not time); the RTT is set by the time a later pong arrives.
        for (int i = 0; i < 20 && c.rtt() == null; i++) {
            RecordingHandler.assertArrives(server.pongs, "an automatic pong");
        }
        assertNotNull(c.rtt(), "rtt() after several answered pings");
        assertFalse(c.rtt().isNegative());
        for (int i = 0; i < 5; i++) {
            RecordingHandler.assertArrives(server.pongs, "more pongs");
        }
        assertTrue(c.isOpen());
        assertFalse(client.closed.isDone(), "the JDK client was closed: " + client.closed.getNow(null));
        assertTrue(client.pings.size() >= 5, "the JDK client saw the pings");
        client.sendText("still here");
        assertEquals("still here", client.nextMessage().text());
    }

    /** A peer that never answers pings is an orphan: closed with 1001 and dropped. */
    @Test
    @Timeout(30)
    void peerThatNeverAnswersPingsIsClosed() throws Exception {
        RecordingHandler server = new RecordingHandler();
        Options options = Options.defaults().toBuilder().pingInterval(Duration.ofMillis(100))
                .pongTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofMillis(500)).build();
        RawClient c = raw(start(server, options));

        WireFrame first = c.readFrame();
        assertEquals(WireFrame.PING, first.opcode(), "an automatic ping: " + first);
        c.expectClose(CloseCode.GOING_AWAY);
        int code = server.awaitSingleClose().code();
        assertTrue(code == CloseCode.GOING_AWAY || code == CloseCode.ABNORMAL, "onClose code " + code);
    }

    @Test
    @Timeout(30)
    void idleConnectionIsClosedWith1001() throws Exception {
        RecordingHandler server = new RecordingHandler();
        Options options = Options.defaults().toBuilder().idleTimeout(Duration.ofMillis(300))
                .closeTimeout(Duration.ofMillis(500)).build();
        RawClient c = raw(start(server, options));

        WireFrame close = c.readUntilClose();
        assertEquals(CloseCode.GOING_AWAY, close.closeCode());
        c.sendClose(CloseCode.GOING_AWAY, "");
        c.expectEof();
        assertEquals(CloseCode.GOING_AWAY, server.awaitSingleClose().code());
    }

    /** Traffic resets the idle timer; an active peer is not closed. */
    @Test
    @Timeout(30)
    void activeConnectionIsNotIdle() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Options options = Options.defaults().toBuilder().idleTimeout(Duration.ofMillis(300)).build();
        RawClient c = raw(start(server, options));
        for (int i = 0; i < 10; i++) {
            c.sendText("m" + i);
            assertEquals("m" + i, c.readMessage().text());
            // wait (on an event, with a bound) about 100 ms without sending: no close may come
            WireFrame unexpected = c.pollFrame(Duration.ofMillis(100));
            assertEquals(null, unexpected, "closed while active");
        }
        assertTrue(server.connection().isOpen());
    }
}
