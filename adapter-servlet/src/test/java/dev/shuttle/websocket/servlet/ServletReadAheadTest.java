package dev.shuttle.websocket.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.ServerFixture;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * The servlet bridge's read-ahead on Undertow's servlet container and on Tomcat: a peer far ahead
 * of a stalled application makes the bridge hold at most its window (then TCP pushes back), and
 * the stream resumed on the container's thread carries every byte intact (a 1 MiB-class echo was
 * corrupted on Undertow when the reader resumed it itself; on Tomcat the resumption is Tomcat's
 * own read dispatch, see TomcatConnection).
 */
class ServletReadAheadTest {
    private static final int MESSAGE = 512 * 1024;
    private static final int MESSAGES = 32; // 16 MiB: more than loopback's socket buffers hold
    private ServerFixture fixture;

    @AfterEach
    void stop() throws Exception {
        ServletTransport.createdForTests = null;
        ServletTransport.pausedForTests = null;
        if (fixture != null) {
            fixture.stop();
        }
    }

    @Test
    @Timeout(120)
    @Tag("undertow-servlet") // see UndertowServletTransportTest
    void onUndertowServletAPeerFarAheadOfAStalledApplicationIsHeldToTheWindow() throws Exception {
        fixture = new UndertowServletFixture();
        peerFarAheadOfAStalledApplicationIsHeldToTheWindow();
    }

    @Test
    @Timeout(120)
    void onTomcatAPeerFarAheadOfAStalledApplicationIsHeldToTheWindow() throws Exception {
        fixture = new TomcatServletFixture();
        peerFarAheadOfAStalledApplicationIsHeldToTheWindow();
    }

    private void peerFarAheadOfAStalledApplicationIsHeldToTheWindow() throws Exception {
        BlockingQueue<ServletTransport> transports = new LinkedBlockingQueue<>();
        ServletTransport.createdForTests = transports::add;
        BlockingQueue<ServletTransport> paused = new LinkedBlockingQueue<>();
        ServletTransport.pausedForTests = paused::add;
        CountDownLatch release = new CountDownLatch(1);
        WebSocketServer server = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().overflowPolicy(OverflowPolicy.BLOCK)
                        .blockTimeout(Duration.ofSeconds(60)).build())
                .onData((c, binary, data) -> {
                    try {
                        // The application stalls on the first message until the test looked.
                        if (!release.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    c.write(data);
                })
                .build();
        URI uri = fixture.start(server);

        byte[][] sent = new byte[MESSAGES][];
        Random random = new Random(9);
        for (int i = 0; i < MESSAGES; i++) {
            sent[i] = new byte[MESSAGE];
            random.nextBytes(sent[i]);
        }
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (RawClient client = RawClient.connect(uri)) {
            ServletTransport bridge = transports.poll(10, TimeUnit.SECONDS);
            assertTrue(bridge != null, "no servlet bridge was made");
            AtomicLong written = new AtomicLong();
            Future<?> sender = threads.submit(() -> {
                for (byte[] m : sent) {
                    client.sendBinary(m);
                    written.addAndGet(m.length);
                }
                return null;
            });

            // With backpressure the bridge pauses at its window; without, it never does and
            // takes the peer's bytes as they come (the wait's bound is the failure).
            assertTrue(paused.poll(30, TimeUnit.SECONDS) == bridge, "the bridge never paused; it took "
                    + bridge.receivedBytes() + " bytes, held up to " + bridge.maxQueuedBytes());
            long heldWhileStalled = bridge.maxQueuedBytes();
            System.out.printf("read-ahead: paused=%s, held at most %d bytes, took %d bytes from the container, peer wrote %d bytes%n",
                    bridge.isPaused(), heldWhileStalled, bridge.receivedBytes(), written.get());
            assertTrue(heldWhileStalled <= ServletTransport.WINDOW + 16 * 1024,
                    "held " + heldWhileStalled + " bytes with a window of " + ServletTransport.WINDOW);

            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            Thread.sleep(3000);
            System.out.printf("SPINCHECK %s cpu during 3 s paused: %d ms%n", fixture.getClass().getSimpleName(), (os.getProcessCpuTime() - cpu0) / 1_000_000);
            release.countDown();
            for (int i = 0; i < MESSAGES; i++) {
                WireFrame echo = client.readMessage();
                assertArrayEquals(sent[i], echo.payload(), "echo " + i + " differs");
            }
            sender.get(30, TimeUnit.SECONDS);
            assertEquals((long) MESSAGES * MESSAGE, written.get());
            assertTrue(bridge.maxQueuedBytes() <= ServletTransport.WINDOW + 16 * 1024,
                    "held " + bridge.maxQueuedBytes() + " bytes over the whole run");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }
}
