package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;

/** Many writers on one connection, and the bounded outbound queue under each {@link OverflowPolicy}. */
public abstract class FlowCases extends HandshakeCases {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 10_000;
    private static final long CAP = 64 * 1024;
    private static final int MESSAGE = 16 * 1024;
    /** The encoded size of one message: a 4-byte header (126 + 16-bit length) and the payload. */
    private static final long FRAME = MESSAGE + 4;

    /** Writes from 8 threads arrive complete and, per thread, in order; frames never interleave. */
    @Test
    @Timeout(60)
    void eightThreadsWritingToOneConnectionKeepPerThreadOrder() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        RecordingHandler server = new RecordingHandler() {
            @Override
            public void onOpen(WebSocket c) {
                super.onOpen(c);
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    Thread.ofPlatform().daemon().name("writer-" + t).start(() -> {
                        for (int n = 0; n < PER_THREAD; n++) {
                            SendResult r = c.write("t" + thread + "-" + n);
                            if (r != SendResult.QUEUED) {
                                failures.add("t" + thread + "-" + n + ": " + r);
                                return;
                            }
                        }
                    });
                }
            }
        };
        // BLOCK with a long timeout: this case is about order, not about overflow.
        Options options = Options.defaults().toBuilder().overflowPolicy(OverflowPolicy.BLOCK)
                .blockTimeout(Duration.ofSeconds(30)).build();
        RawClient c = raw(start(server, options));

        int[] next = new int[THREADS];
        for (int i = 0; i < THREADS * PER_THREAD; i++) {
            WireFrame m;
            try {
                m = c.readMessage();
            } catch (java.io.IOException e) {
                throw new AssertionError("after " + i + " messages; server onClose: " + server.closes.poll(5, java.util.concurrent.TimeUnit.SECONDS)
                        + "; failures: " + failures, e);
            }
            assertEquals(WireFrame.TEXT, m.opcode());
            String s = m.text();
            int dash = s.indexOf('-');
            assertTrue(s.startsWith("t") && dash > 1, "malformed message: " + s);
            int thread = Integer.parseInt(s.substring(1, dash));
            int n = Integer.parseInt(s.substring(dash + 1));
            assertEquals(next[thread], n, "thread " + thread + " out of order; failures: " + failures);
            next[thread]++;
        }
        assertTrue(failures.isEmpty(), "writes refused: " + failures);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(PER_THREAD, next[t]);
        }
    }

    /** Connects a client that never reads and returns the server side of it. */
    private WebSocket stalledConnection(RecordingHandler server, Options options) throws Exception {
        URI uri = start(server, options);
        closeLater(RawClient.to(uri).receiveBuffer(4096).connect());
        return server.connection();
    }

    /** Writes until the result is no longer QUEUED (bounded), checking the queue bound on the way. */
    private static SendResult writeUntilRefused(WebSocket c) {
        byte[] payload = new byte[MESSAGE];
        List<Long> overCap = new ArrayList<>();
        SendResult r = SendResult.QUEUED;
        for (int i = 0; i < 100_000 && r == SendResult.QUEUED; i++) {
            r = c.write(payload);
            long queued = c.queuedBytes();
            if (queued > CAP + FRAME) {
                overCap.add(queued);
            }
        }
        assertTrue(overCap.isEmpty(), "queuedBytes() above the cap plus one message: " + overCap.subList(0, Math.min(5, overCap.size())));
        return r;
    }

    private static Options overflow(OverflowPolicy policy) {
        return Options.defaults().toBuilder().maxQueuedBytes(CAP).overflowPolicy(policy)
                .blockTimeout(Duration.ofMillis(200)).closeTimeout(Duration.ofMillis(500)).build();
    }

    @Test
    @Timeout(60)
    void dropPolicyDropsAndKeepsTheConnection() throws Exception {
        RecordingHandler server = new RecordingHandler();
        WebSocket c = stalledConnection(server, overflow(OverflowPolicy.DROP));

        assertEquals(SendResult.DROPPED, writeUntilRefused(c));
        assertTrue(c.stats().dropped() > 0, "dropped counted: " + c.stats());
        assertTrue(c.isOpen(), "DROP keeps the connection open");
        assertTrue(c.ping(new byte[] {1}) != SendResult.CLOSED, "control frames are never refused");
        assertEquals(0, server.closeCount.get());
    }

    @Test
    @Timeout(60)
    void blockPolicyTimesOut() throws Exception {
        RecordingHandler server = new RecordingHandler();
        WebSocket c = stalledConnection(server, overflow(OverflowPolicy.BLOCK));

        assertEquals(SendResult.TIMED_OUT, writeUntilRefused(c));
        assertTrue(c.stats().dropped() > 0, "a timed-out message counts as dropped: " + c.stats());
        assertTrue(c.isOpen(), "BLOCK keeps the connection open");
    }

    @Test
    @Timeout(60)
    void closePolicyClosesTheSlowConsumer() throws Exception {
        RecordingHandler server = new RecordingHandler();
        WebSocket c = stalledConnection(server, overflow(OverflowPolicy.CLOSE));

        assertEquals(SendResult.CLOSED, writeUntilRefused(c));
        RecordingHandler.Close close = server.awaitSingleClose();
        assertTrue(close.code() == CloseCode.POLICY_VIOLATION || close.code() == CloseCode.ABNORMAL,
                "1008 as sent, or 1006 when the close frame could not get through: " + close.code());
        assertNotEquals(SendResult.QUEUED, c.write(new byte[1]), "a closed connection takes no more messages");
        assertTrue(!c.isOpen());
    }

    /** BLOCK is backpressure: a writer that waits gets through once the peer reads. */
    @Test
    @Timeout(60)
    void blockPolicyLetsEveryMessageThroughToAReadingPeer() throws Exception {
        RecordingHandler server = new RecordingHandler();
        Options options = Options.defaults().toBuilder().maxQueuedBytes(CAP).overflowPolicy(OverflowPolicy.BLOCK)
                .blockTimeout(Duration.ofSeconds(20)).build();
        RawClient client = raw(start(server, options));
        WebSocket c = server.connection();
        int count = 200;
        Thread writer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[MESSAGE];
                m[0] = (byte) i;
                if (c.write(m) != SendResult.QUEUED) {
                    return;
                }
            }
        });
        for (int i = 0; i < count; i++) {
            WireFrame m = client.readMessage();
            assertEquals(MESSAGE, m.payload().length);
            assertEquals((byte) i, m.payload()[0]);
        }
        writer.join();
        assertEquals(0, c.stats().dropped());
    }
}
