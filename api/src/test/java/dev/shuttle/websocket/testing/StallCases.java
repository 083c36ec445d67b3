package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;

/**
 * A peer that stops reading while we write (issue 9): the write-stall timeout drops it, a peer
 * that reads slowly but steadily keeps its connection, and the overflow policy decides per
 * message when messages are written as fragments, so the peer never sees a continuation without
 * its start. The peers are raw sockets with a small receive window.
 */
public abstract class StallCases extends KeepaliveCases {
    private static final Duration STALL = Duration.ofSeconds(1);
    private static final int CHUNK = 64 * 1024;
    /** A fragmented message: four frames of 8 KiB. */
    private static final int FRAGMENTS = 4;
    private static final int FRAGMENT = 8 * 1024;

    private static Options stall(Options.Builder b) {
        return b.writeStallTimeout(STALL).build();
    }

    /**
     * A server that answers "go" with {@code count} binary messages of {@link #CHUNK} bytes, the
     * i-th filled with (byte) i, and echoes any other text.
     */
    private static RecordingHandler burstOnGo(int count) {
        return new RecordingHandler() {
            @Override
            public void onData(WebSocket c, boolean isBinary, byte[] data) {
                super.onData(c, isBinary, data);
                if (!"go".equals(new String(data, java.nio.charset.StandardCharsets.UTF_8))) {
                    c.writeText(data);
                    return;
                }
                for (int i = 0; i < count; i++) {
                    byte[] chunk = new byte[CHUNK];
                    java.util.Arrays.fill(chunk, (byte) i);
                    c.write(chunk);
                }
            }
        };
    }

    /**
     * More than the server's socket buffer (Linux grows it to 4 MiB) and its queue (4 MiB, DROP
     * beyond) take, to a peer that reads nothing: a write blocks, and after the write-stall
     * timeout the connection ends with 1006 and the cause says so.
     */
    @Test
    @Timeout(60)
    void peerThatStopsReadingIsDroppedByTheWriteStallTimeout() throws Exception {
        RecordingHandler server = burstOnGo(160); // 10 MiB
        URI uri = start(server, stall(Options.defaults().toBuilder()));
        RawClient peer = closeLater(RawClient.to(uri).receiveBuffer(4096).connect());
        peer.sendText("go");
        RecordingHandler.Close close = server.awaitSingleClose();
        assertEquals(CloseCode.ABNORMAL, close.code(), "a stalled peer is reported as 1006: " + close);
        assertNotNull(close.cause(), "the cause says why");
        assertTrue(String.valueOf(close.cause().getMessage()).startsWith("write stalled"), String.valueOf(close.cause()));
        assertFalse(close.connection().isOpen());
        assertConnectionEnds(peer);
    }

    /**
     * 16 MiB to a peer that reads 64 KiB at a time with a short pause after each read: it takes
     * longer than several stall timeouts, but bytes keep moving, so the connection stays open and
     * every message arrives in order.
     */
    @Test
    @Timeout(90)
    void slowButSteadyReaderIsNotDropped() throws Exception {
        int count = 256; // 16 MiB
        RecordingHandler server = burstOnGo(count);
        URI uri = start(server, stall(Options.defaults().toBuilder().maxQueuedBytes(32L << 20)));
        RawClient peer = closeLater(RawClient.to(uri).receiveBuffer(16 * 1024).connect());
        peer.sendText("go");
        for (int i = 0; i < count; i++) {
            WireFrame f = peer.readFrame();
            assertEquals(WireFrame.BINARY, f.opcode(), "message " + i + ": " + f);
            assertEquals(CHUNK, f.payload().length);
            assertEquals((byte) i, f.payload()[0], "message " + i + " in order");
            Thread.sleep(5); // the pace of a slow reader, not a wait for an event
        }
        WebSocket c = server.connection();
        assertTrue(c.isOpen(), "closed: " + server.closes.peek());
        assertEquals(0, server.closeCount.get(), "onClose: " + server.closes.peek());
        peer.sendText("still here");
        assertEquals("still here", peer.readMessage().text());
    }

    /**
     * DROP with fragmented writes: messages of four fragments written to a peer that does not
     * read. Each message is queued whole or dropped whole (its continuations share the first
     * fragment's result), and the peer, once it reads, sees exactly the admitted messages, each
     * complete and in order.
     */
    @Test
    @Timeout(60)
    void dropDecidesPerFragmentedMessage() throws Exception {
        RecordingHandler server = new RecordingHandler();
        URI uri = start(server, overflow(OverflowPolicy.DROP));
        RawClient peer = closeLater(RawClient.to(uri).receiveBuffer(4096).connect());
        WebSocket c = server.connection();
        List<Integer> admitted = new ArrayList<>();
        int dropped = 0;
        for (int m = 0; m < 400; m++) {
            SendResult first = writeFragmentedMessage(c, m);
            if (first == SendResult.QUEUED) {
                admitted.add(m);
            } else {
                assertEquals(SendResult.DROPPED, first, "message " + m);
                dropped++;
            }
        }
        assertTrue(dropped > 0, "the queue filled: nothing was dropped");
        assertFalse(admitted.isEmpty(), "nothing was admitted");
        for (int m : admitted) {
            assertEquals(m, readWholeMessage(peer), "the next admitted message, whole");
        }
        c.write("end");
        WireFrame end = peer.readFrame();
        assertEquals(WireFrame.TEXT, end.opcode(), "nothing but admitted messages before 'end': " + end);
        assertEquals("end", end.text());
        assertTrue(c.isOpen());
    }

    /**
     * CLOSE with fragmented writes: the message that does not fit closes the slow consumer. What
     * the peer sees before the close frame is a valid sequence of fragments: never a
     * continuation without its start, never a new message inside an unfinished one.
     */
    @Test
    @Timeout(60)
    void closeDecidesPerFragmentedMessage() throws Exception {
        RecordingHandler server = new RecordingHandler();
        URI uri = start(server, overflow(OverflowPolicy.CLOSE));
        RawClient peer = closeLater(RawClient.to(uri).receiveBuffer(4096).connect());
        WebSocket c = server.connection();
        SendResult last = SendResult.QUEUED;
        for (int m = 0; m < 400 && last == SendResult.QUEUED; m++) {
            last = writeFragmentedMessage(c, m);
        }
        assertEquals(SendResult.CLOSED, last, "the queue filled and CLOSE closed the connection");
        boolean open = false;
        int fragmentsOfOpen = 0;
        while (true) {
            WireFrame f;
            try {
                f = peer.readFrame();
            } catch (IOException ended) {
                break; // dropped after the close frame could not get through: also a valid end
            }
            if (f.opcode() == WireFrame.CLOSE) {
                assertEquals(CloseCode.POLICY_VIOLATION, f.closeCode(), "slow consumer: " + f);
                break;
            }
            if (f.opcode() == WireFrame.CONTINUATION) {
                assertTrue(open, "a continuation without its start: " + f);
                fragmentsOfOpen++;
            } else {
                assertFalse(open, "a new message inside an unfinished one: " + f);
                assertEquals(WireFrame.BINARY, f.opcode());
                open = true;
                fragmentsOfOpen = 1;
            }
            if (f.fin()) {
                assertEquals(FRAGMENTS, fragmentsOfOpen, "fragments of one message");
                open = false;
            }
        }
        RecordingHandler.Close close = server.awaitSingleClose();
        assertTrue(close.code() == CloseCode.POLICY_VIOLATION || close.code() == CloseCode.ABNORMAL, close.toString());
    }

    private static Options overflow(OverflowPolicy policy) {
        return Options.defaults().toBuilder().maxQueuedBytes(64 * 1024).overflowPolicy(policy).build();
    }

    /**
     * Message {@code m} as {@link #FRAGMENTS} frames, each payload {@code [m, fragment, ...]};
     * returns the first fragment's result and checks that the others share it.
     */
    private static SendResult writeFragmentedMessage(WebSocket c, int m) {
        SendResult first = null;
        for (int f = 0; f < FRAGMENTS; f++) {
            byte[] payload = new byte[FRAGMENT];
            ByteBuffer.wrap(payload).putInt(m).putInt(f);
            SendResult r = c.writeFrame(new Frame(f == FRAGMENTS - 1, 0, f == 0 ? Opcode.BINARY : Opcode.CONTINUATION, payload));
            if (first == null) {
                first = r;
            } else if (first != SendResult.CLOSED) {
                assertEquals(first, r, "fragment " + f + " of message " + m + " shares its message's fate");
            }
        }
        return first;
    }

    /** Reads one message fragment by fragment, checking each fragment's place; returns its number. */
    private static int readWholeMessage(RawClient peer) throws IOException {
        int m = -1;
        for (int f = 0; f < FRAGMENTS; f++) {
            WireFrame frame = peer.readFrame();
            assertEquals(f == 0 ? WireFrame.BINARY : WireFrame.CONTINUATION, frame.opcode(), "fragment " + f + ": " + frame);
            assertEquals(f == FRAGMENTS - 1, frame.fin(), "fin of fragment " + f);
            ByteBuffer p = ByteBuffer.wrap(frame.payload());
            int number = p.getInt();
            assertEquals(f, p.getInt(), "fragment number");
            if (f == 0) {
                m = number;
            } else {
                assertEquals(m, number, "a fragment of another message inside message " + m);
            }
        }
        return m;
    }

    /** The server dropped the connection: after what was in flight, the stream ends (EOF or reset). */
    private static void assertConnectionEnds(RawClient peer) throws IOException {
        peer.socket().setSoTimeout((int) RawClient.READ_TIMEOUT.toMillis());
        InputStream in = peer.socket().getInputStream();
        byte[] sink = new byte[64 * 1024];
        try {
            while (in.read(sink) >= 0) {
                // what the kernel still held for us
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the connection was still open " + RawClient.READ_TIMEOUT + " after onClose", e);
        } catch (SocketException reset) {
            // a reset ends it too
        }
    }
}
