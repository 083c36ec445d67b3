package dev.shuttle.websocket.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.RawClient;

/**
 * 1,000 connections open at once on Undertow, each echoes and closes cleanly; afterwards the
 * process holds no more file descriptors or platform threads than before (a small tolerance
 * for JDK internals that start lazily). Leaks would show as hundreds: one socket, selection key
 * or thread per connection. While all are open, the process holds no direct buffer per
 * connection: an upgrade answered from a fresh virtual thread once left one in Undertow's
 * per-thread buffer cache each (16 KiB of native memory per idle connection).
 */
class UndertowLoadTest {
    private static final int CONNECTIONS = 1000;
    /** Descriptors and threads the JDK or the test harness may open on their own in between. */
    private static final int TOLERANCE = 10;

    @Test
    @Timeout(180)
    void thousandConnectionsOpenEchoAndCloseWithoutLeaks() throws Exception {
        // A first small round starts what stays for the life of the JVM (virtual-thread pollers,
        // class loading, XNIO's statics), so the baseline does not count it as a leak.
        round(20);
        Set<Thread> threadsBefore = platformThreads();
        long fdsBefore = openFileDescriptors();

        long fdsAtPeak = round(CONNECTIONS);
        // The count sees the connections: both ends live in this process.
        assertTrue(fdsAtPeak >= fdsBefore + 2L * CONNECTIONS, "file descriptors before " + fdsBefore + ", with all open " + fdsAtPeak);

        // Threads that Undertow stopped may still be finishing: wait for them, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : platformThreads()) {
            if (!threadsBefore.contains(t)) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        Set<Thread> extra = platformThreads();
        extra.removeAll(threadsBefore);
        assertTrue(extra.size() <= TOLERANCE, "threads left behind: " + extra);
        long fdsAfter = openFileDescriptors();
        assertTrue(fdsAfter <= fdsBefore + TOLERANCE, "file descriptors before " + fdsBefore + ", after " + fdsAfter);
    }

    /**
     * Starts Undertow, opens n connections that all stay open together, echoes on each, closes
     * each, stops; returns the descriptor count while all were open.
     */
    private static long directBuffers() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getCount).sum();
    }

    private static long round(int n) throws Exception {
        long directBefore = directBuffers();
        CountDownLatch opened = new CountDownLatch(n);
        CountDownLatch closedCleanly = new CountDownLatch(n);
        WebSocketServer server = WebSocketServer.builder()
                .onOpen(c -> opened.countDown())
                .onData((c, binary, data) -> c.write(new String(data, java.nio.charset.StandardCharsets.UTF_8)))
                .onClose((c, code, reason, cause) -> {
                    if (code == 1000 && cause == null) {
                        closedCleanly.countDown();
                    }
                })
                .build();
        UndertowFixture fixture = new UndertowFixture();
        URI uri = fixture.start(server);
        List<RawClient> clients = new ArrayList<>(n);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // At most 100 handshakes in flight: a connect storm beyond the accept backlog costs
            // SYN retries of a second each, not what this test is about.
            Semaphore handshakes = new Semaphore(100);
            List<Future<RawClient>> connecting = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                connecting.add(pool.submit(() -> {
                    handshakes.acquire();
                    try {
                        return RawClient.connect(uri);
                    } finally {
                        handshakes.release();
                    }
                }));
            }
            for (Future<RawClient> f : connecting) {
                clients.add(f.get());
            }
            assertTrue(opened.await(60, TimeUnit.SECONDS), "opened: " + (n - opened.getCount()) + " of " + n);
            assertEquals(n, server.connections().size());
            long fdsAtPeak = openFileDescriptors();
            // Idle upgraded connections hold no buffer; the pools' own caches are a few dozen.
            long directAtPeak = directBuffers();
            assertTrue(directAtPeak - directBefore <= n / 10 + 20,
                    "direct buffers before " + directBefore + ", with " + n + " idle connections " + directAtPeak);

            List<Future<?>> work = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                RawClient c = clients.get(i);
                String text = "message " + i;
                work.add(pool.submit(() -> {
                    c.sendText(text);
                    assertEquals(text, c.readMessage().text());
                    c.sendClose(1000, "");
                    c.expectClose(1000); // the server's close frame, then its FIN
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            assertTrue(closedCleanly.await(60, TimeUnit.SECONDS), "closed with 1000: " + (n - closedCleanly.getCount()) + " of " + n);
            // onClose runs just before the server forgets a connection: closeAll waits for the
            // rest of each close (a no-op close, then the wait), aborting none when all finished.
            assertEquals(0, server.closeAll(1000, "", Duration.ofSeconds(30)), "connections that never finished closing");
            assertTrue(server.connections().isEmpty(), "still registered: " + server.connections());
            return fdsAtPeak;
        } finally {
            clients.forEach(RawClient::close);
            fixture.stop();
        }
    }

    private static Set<Thread> platformThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
