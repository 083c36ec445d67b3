package dev.shuttle.websocket.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;

import dev.shuttle.websocket.spi.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Transport contract on the client's two transports, against Jetty: an idle wait ends on
 * {@code LockSupport.unpark} (how the engine starts a close timeout) and on close(); bytes that
 * arrive later are read in full. For wss this is the one-byte probe at work.
 */
@Timeout(60)
class ClientTransportWaitTest {
    private static Connector.Settings settings(SSLContext tls) {
        return new Connector.Settings(Duration.ofSeconds(5), Duration.ofSeconds(5), null, List.of(), null, List.of(),
                tls, null, true);
    }

    @Test
    void plainWaitEndsOnUnparkAndClose() throws Exception {
        try (JettyPeer jetty = new JettyPeer(null)) {
            check(Connector.open(URI.create("ws://127.0.0.1:" + jetty.port() + "/"), settings(null)).transport());
        }
    }

    @Test
    void tlsWaitEndsOnUnparkAndClose() throws Exception {
        Path cert = JettyPeer.localhostCert();
        try (JettyPeer jetty = new JettyPeer(cert)) {
            Transport t = Connector.open(URI.create("wss://127.0.0.1:" + jetty.port() + "/"),
                    settings(JettyPeer.trusting(cert))).transport();
            assertTrue(t.isSecure());
            check(t);
        }
    }

    private static void check(Transport t) throws Exception {
        // 1. An idle wait without a limit returns when the waiting thread is unparked.
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            try {
                t.awaitReadable(0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        waiting.await();
        // Unpark until it returns: an unpark before it parked is kept as a permit, so one suffices,
        // but repeating keeps the test independent of that detail.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.isAlive() && System.nanoTime() < deadline) {
            LockSupport.unpark(waiter);
            waiter.join(Duration.ofMillis(50));
        }
        assertFalse(waiter.isAlive(), "awaitReadable slept through an unpark");

        // 2. Data that arrives later is read in full: a masked ping, answered by a pong (2 bytes + payload).
        byte[] ping = {(byte) 0x89, (byte) 0x83, 0, 0, 0, 0, 1, 2, 3}; // a zero mask key leaves the payload as is
        t.write(new ByteBuffer[] {ByteBuffer.wrap(ping)});
        ByteBuffer pong = ByteBuffer.allocateDirect(64);
        while (pong.position() < 5) {
            if (t.read(pong) == 0) {
                t.awaitReadable(TimeUnit.SECONDS.toNanos(1));
            }
        }
        pong.flip();
        assertEquals((byte) 0x8A, pong.get(0));
        assertEquals(3, pong.get(1));

        // 3. close() from another thread ends a wait, and read() then reports the end of stream.
        Thread closer = Thread.ofVirtual().unstarted(t::close);
        Thread waiter2 = Thread.ofVirtual().start(() -> {
            try {
                t.awaitReadable(0);
            } catch (Exception e) {
                // a wait may also end with an exception once closed
            }
        });
        closer.start();
        assertTrue(waiter2.join(Duration.ofSeconds(10)), "close() did not end the wait");
        ByteBuffer after = ByteBuffer.allocate(16);
        assertEquals(-1, t.read(after));
    }
}
