package dev.shuttle.websocket.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transport and its poller over a real loopback connection; the peer is a blocking socket. */
@Timeout(30)
class SocketChannelTransportTest {
    private Poller poller;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannelTransport transport;
    private final AtomicInteger closes = new AtomicInteger();

    @BeforeEach
    void connect() throws IOException {
        poller = new Poller("test-poller", 1);
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        transport = new SocketChannelTransport(accepted, poller, t -> closes.incrementAndGet());
    }

    @AfterEach
    void closeAll() throws IOException {
        transport.close();
        peer.close();
        server.close();
        poller.close();
    }

    /** Reads exactly n bytes the way the engine does: try, and wait for readiness when nothing came. */
    private byte[] readExactly(int n) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        while (dst.hasRemaining()) {
            int r = transport.read(dst);
            if (r < 0) {
                break;
            }
            if (r == 0) {
                transport.awaitReadable(0);
            }
        }
        return dst.flip().remaining() == n ? dst.array() : null;
    }

    @Test
    void unreadBytesComeFirst() throws IOException {
        transport.unread(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
        peer.write(ByteBuffer.wrap("def".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer two = ByteBuffer.allocate(2);
        assertEquals(2, transport.read(two));
        assertEquals("ab", new String(two.array(), StandardCharsets.US_ASCII));
        assertArrayEquals("cdef".getBytes(StandardCharsets.US_ASCII), readExactly(4));
    }

    @Test
    void awaitReadableWakesWhenBytesArrive() throws Exception {
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                got.complete(readExactly(5));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        peer.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), got.get(10, TimeUnit.SECONDS));
    }

    @Test
    void awaitReadableReturnsAtTheTimeoutWithNothingToRead() throws IOException {
        transport.awaitReadable(TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(0, transport.read(ByteBuffer.allocate(8)));
    }

    @Test
    void peerCloseIsEndOfStream() throws IOException {
        peer.close();
        assertEquals(null, readExactly(1));
        assertEquals(-1, transport.read(ByteBuffer.allocate(1)));
    }

    @Test
    void closeWakesAParkedReaderAndReportsOnce() throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer dst = ByteBuffer.allocate(16);
                int r;
                while ((r = transport.read(dst)) == 0) {
                    transport.awaitReadable(0);
                }
                result.complete(r);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        transport.close();
        transport.close();
        assertEquals(-1, result.get(10, TimeUnit.SECONDS));
        assertTrue(reader.join(Duration.ofSeconds(10)));
        assertEquals(1, closes.get());
        // The socket is really closed (not just deregistered later): the peer sees end of stream.
        peer.socket().setSoTimeout(10_000);
        assertEquals(-1, peer.socket().getInputStream().read());
    }

    @Test
    void largeGatheringWriteWaitsForTheSlowPeer() throws Exception {
        byte[] a = new byte[3 << 20];
        byte[] b = new byte[5 << 20];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) i;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                transport.write(new ByteBuffer[] {ByteBuffer.wrap(a), ByteBuffer.allocate(0), ByteBuffer.wrap(b)});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        peer.socket().setSoTimeout(20_000);
        InputStream in = peer.socket().getInputStream();
        assertArrayEquals(a, in.readNBytes(a.length));
        assertArrayEquals(b, in.readNBytes(b.length));
        written.get(10, TimeUnit.SECONDS);
    }

    @Test
    void closeFailsABlockedWriter() throws Exception {
        peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                // Far more than the socket buffers hold while the peer reads nothing.
                transport.write(new ByteBuffer[] {ByteBuffer.allocate(64 << 20)});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        transport.close();
        Exception e = assertThrows(Exception.class, () -> written.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause().getCause());
    }

    @Test
    void writeWithATimeoutGivesUp() throws IOException {
        assertEquals(false, transport.write(new ByteBuffer[] {ByteBuffer.allocate(64 << 20)}, TimeUnit.MILLISECONDS.toNanos(50)));
    }

    @Test
    void addressesAreKnownAfterClose() {
        transport.close();
        assertEquals(InetAddress.getLoopbackAddress(), transport.remoteAddress().getAddress());
        assertEquals(InetAddress.getLoopbackAddress(), transport.localAddress().getAddress());
    }
}
