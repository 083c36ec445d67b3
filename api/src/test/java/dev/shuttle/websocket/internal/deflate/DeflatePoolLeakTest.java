package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * zlib objects hold native memory the GC does not track: connections opened and closed many
 * times, concurrently, must leave the pools bounded and every owned (de)compressor ended.
 * Counted with {@link Zlib}'s live counters (created minus ended).
 */
@Timeout(120)
class DeflatePoolLeakTest {
    private static final int CONNECTIONS = 300;
    private static final int CONCURRENT = 30;

    private final BuiltinFixture fixture = new BuiltinFixture();

    @AfterEach
    void stop() {
        fixture.stop();
    }

    /** No context takeover either way: everything is borrowed per message and given back. */
    @Test
    void pooledWithoutContextTakeover() throws Exception {
        long deflatersBefore = Zlib.liveDeflaters() - Zlib.pooledDeflaters();
        long inflatersBefore = Zlib.liveInflaters() - Zlib.pooledInflaters();
        run(Compression.builder().lowMemory(true).build(), "permessage-deflate; server_no_context_takeover; client_no_context_takeover", false);
        assertTrue(Zlib.pooledDeflaters() <= 10 * Zlib.MAX_IDLE, "deflater pools bounded: " + Zlib.pooledDeflaters());
        assertTrue(Zlib.pooledInflaters() <= Zlib.MAX_IDLE, "inflater pool bounded: " + Zlib.pooledInflaters());
        assertEquals(deflatersBefore, Zlib.liveDeflaters() - Zlib.pooledDeflaters(), "deflaters outside the pool");
        assertEquals(inflatersBefore, Zlib.liveInflaters() - Zlib.pooledInflaters(), "inflaters outside the pool");
    }

    /** Context takeover: each connection owns one of each while open, and ends them on close. */
    @Test
    void ownedWithContextTakeoverAreEnded() throws Exception {
        long deflatersBefore = Zlib.liveDeflaters();
        long inflatersBefore = Zlib.liveInflaters();
        int peak = run(Compression.defaults(), "permessage-deflate", true);
        assertTrue(peak >= CONCURRENT, "connections owned their deflaters while open: peak " + peak);
        assertTrue(Zlib.liveDeflaters() <= deflatersBefore, "deflaters ended: " + Zlib.liveDeflaters() + " > " + deflatersBefore);
        assertTrue(Zlib.liveInflaters() <= inflatersBefore, "inflaters ended: " + Zlib.liveInflaters() + " > " + inflatersBefore);
    }

    /**
     * Opens {@link #CONNECTIONS} connections, {@link #CONCURRENT} at a time, each echoing two
     * compressed messages, and waits until the server ran onClose for every one. Returns the
     * most live deflaters seen while a batch was open.
     */
    private int run(Compression compression, String offer, boolean takeover) throws Exception {
        CountDownLatch closed = new CountDownLatch(CONNECTIONS);
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().compression(compression).build())
                .onData((c, binary, data) -> c.write(data))
                .onClose((c, code, reason, cause) -> closed.countDown())
                .build();
        URI uri = fixture.start(server);
        AtomicInteger peak = new AtomicInteger();
        byte[] message = DeflateCodecTest.sample(4000, 1);
        for (int batch = 0; batch < CONNECTIONS / CONCURRENT; batch++) {
            CountDownLatch echoed = new CountDownLatch(CONCURRENT);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < CONCURRENT; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (RawClient c = RawClient.to(uri).header("Sec-WebSocket-Extensions", offer).connect();
                         RawDeflate peer = new RawDeflate(takeover)) {
                        for (int m = 0; m < 2; m++) {
                            c.send(WireFrame.encode(true, 4, WireFrame.BINARY, peer.compress(message), true));
                            WireFrame f = c.readFrame();
                            assertEquals(4, f.rsv());
                            assertArrayEquals(message, peer.inflate(f.payload()));
                        }
                        echoed.countDown();
                        release.await();
                        c.sendClose(1000, "");
                        c.expectClose(1000);
                    } catch (Throwable e) {
                        failures.add(e);
                        echoed.countDown();
                    }
                }));
            }
            assertTrue(echoed.await(30, TimeUnit.SECONDS));
            peak.accumulateAndGet((int) Zlib.liveDeflaters(), Math::max);
            release.countDown();
            for (Thread t : clients) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new AssertionError("client failed", failures.peek());
            }
        }
        assertTrue(closed.await(30, TimeUnit.SECONDS), "every server connection ran onClose");
        return peak.get();
    }
}
