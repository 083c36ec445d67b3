package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.WireFrame;

/** A deflate-enabled Shuttle server on the built-in listener, against raw-socket peers and the JDK client. */
@Timeout(60)
class DeflateServerTest {
    private final BuiltinFixture fixture = new BuiltinFixture();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        fixture.stop();
    }

    private URI start(Compression compression, Options.Builder options) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .options(options.compression(compression).build())
                .onData((c, binary, data) -> {
                    if (binary) {
                        c.write(data);
                    } else {
                        c.write(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .build();
        return fixture.start(server);
    }

    private URI start(Compression compression) throws Exception {
        return start(compression, Options.defaults().toBuilder());
    }

    private RawClient connect(URI uri, String offer) throws Exception {
        RawClient c = RawClient.to(uri).header("Sec-WebSocket-Extensions", offer).connect();
        toClose.add(c);
        return c;
    }

    private static byte[] compressedFrame(boolean fin, int rsv, int opcode, byte[] payload) {
        return WireFrame.encode(fin, rsv, opcode, payload, true);
    }

    @Test
    void echoesCompressedMessagesAndAnswersThe101() throws Exception {
        URI uri = start(Compression.defaults());
        RawClient c = connect(uri, "permessage-deflate; client_max_window_bits");
        assertEquals("permessage-deflate", c.head().header("Sec-WebSocket-Extensions"));
        try (RawDeflate peer = new RawDeflate(true)) {
            for (int i = 0; i < 3; i++) {
                byte[] text = DeflateCodecTest.sample(2000 + i, i);
                c.send(compressedFrame(true, 4, WireFrame.TEXT, peer.compress(text)));
                WireFrame f = c.readFrame();
                assertEquals(4, f.rsv(), "a message above the threshold comes back compressed");
                assertTrue(f.payload().length < text.length / 2);
                assertArrayEquals(text, peer.inflate(f.payload()));
            }
            // Below the threshold (256 bytes): plain both ways is fine, compressed in is fine too.
            c.send(compressedFrame(true, 4, WireFrame.TEXT, peer.compress("small".getBytes(StandardCharsets.UTF_8))));
            WireFrame small = c.readFrame();
            assertEquals(0, small.rsv());
            assertEquals("small", small.text());
            c.sendText("plain");
            assertEquals("plain", c.readFrame().text());
        }
        c.sendClose(1000, "");
        c.expectClose(1000);
    }

    @Test
    void fragmentedCompressedMessage() throws Exception {
        URI uri = start(Compression.builder().threshold(0).build());
        RawClient c = connect(uri, "permessage-deflate");
        try (RawDeflate peer = new RawDeflate(true)) {
            byte[] text = DeflateCodecTest.sample(30_000, 9);
            byte[] z = peer.compress(text);
            int a = z.length / 3;
            int b = 2 * z.length / 3;
            // §6.1: RSV1 on the first frame only; a ping in the middle is answered at once.
            c.send(compressedFrame(false, 4, WireFrame.TEXT, Arrays.copyOfRange(z, 0, a)));
            c.send(compressedFrame(false, 0, WireFrame.CONTINUATION, Arrays.copyOfRange(z, a, b)));
            c.sendPing(new byte[] {7});
            c.send(compressedFrame(true, 0, WireFrame.CONTINUATION, Arrays.copyOfRange(z, b, z.length)));
            WireFrame pong = c.readFrame();
            assertEquals(WireFrame.PONG, pong.opcode());
            WireFrame echo = c.readFrame();
            assertEquals(4, echo.rsv());
            assertArrayEquals(text, peer.inflate(echo.payload()));
            // An empty compressed message (§7.2.3.6: a single 00 byte).
            c.send(compressedFrame(true, 4, WireFrame.BINARY, new byte[] {0}));
            assertArrayEquals(new byte[0], peer.inflate(c.readFrame().payload()));
        }
    }

    @Test
    void rsv1OnAContinuationFrameIs1002() throws Exception {
        URI uri = start(Compression.defaults());
        RawClient c = connect(uri, "permessage-deflate");
        c.send(compressedFrame(false, 4, WireFrame.TEXT, new byte[] {0}));
        c.send(compressedFrame(true, 4, WireFrame.CONTINUATION, new byte[] {0}));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void rsv1WithoutNegotiationIs1002() throws Exception {
        URI uri = start(Compression.disabled());
        RawClient c = connect(uri, "permessage-deflate");
        assertNull(c.head().header("Sec-WebSocket-Extensions"));
        c.send(compressedFrame(true, 4, WireFrame.TEXT, new byte[] {0}));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void invalidUtf8AfterInflatingIs1007() throws Exception {
        URI uri = start(Compression.defaults());
        RawClient c = connect(uri, "permessage-deflate");
        try (RawDeflate peer = new RawDeflate(true)) {
            c.send(compressedFrame(true, 4, WireFrame.TEXT, peer.compress(new byte[] {'a', (byte) 0xC0, (byte) 0x80})));
        }
        c.expectClose(CloseCode.INVALID_PAYLOAD);
    }

    /**
     * The zip bomb: ~100 KiB on the wire inflating to 100 MiB, against the default 1 MiB message
     * limit. The server closes with 1009 after inflating at most 1 MiB + 1 byte (an OutOfMemoryError
     * would fail the connection otherwise and the server would answer 1006 or nothing).
     */
    @Test
    void zipBombIsClosedWith1009() throws Exception {
        URI uri = start(Compression.defaults());
        RawClient c = connect(uri, "permessage-deflate");
        byte[] bomb = DeflateCodecTest.zipBomb(100 << 20);
        assertTrue(bomb.length < Options.DEFAULT_MAX_PAYLOAD, "the frame itself is within limits: " + bomb.length);
        long heapBefore = usedHeap();
        c.send(compressedFrame(true, 4, WireFrame.BINARY, bomb));
        c.expectClose(CloseCode.MESSAGE_TOO_BIG);
        long grown = usedHeap() - heapBefore;
        assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MiB");
    }

    @Test
    void fragmentedZipBombIsClosedWith1009() throws Exception {
        URI uri = start(Compression.defaults());
        RawClient c = connect(uri, "permessage-deflate");
        byte[] bomb = DeflateCodecTest.zipBomb(100 << 20);
        int step = bomb.length / 10;
        for (int off = 0, k = 0; off < bomb.length; off += step, k++) {
            int end = Math.min(bomb.length, off + step);
            c.send(compressedFrame(end == bomb.length, k == 0 ? 4 : 0, k == 0 ? WireFrame.BINARY : WireFrame.CONTINUATION,
                    Arrays.copyOfRange(bomb, off, end)));
            if (k == 1) {
                break; // the second frame already passes 1 MiB inflated; the server closes
            }
        }
        c.expectClose(CloseCode.MESSAGE_TOO_BIG);
    }

    @Test
    void jdkClientWithoutExtensionsStillWorks() throws Exception {
        URI uri = start(Compression.defaults());
        try (JdkClient jdk = JdkClient.connect(uri)) {
            String big = new String(DeflateCodecTest.sample(100_000, 1), StandardCharsets.UTF_8);
            jdk.sendText(big);
            assertEquals(big, jdk.nextMessage().text());
            jdk.sendBinary(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, jdk.nextMessage().data());
            jdk.sendClose(1000, "");
            assertEquals(1000, jdk.awaitClosed().code());
        }
    }

    /** With context takeover, messages from many threads are compressed in wire order: one inflater reads them all. */
    @Test
    void concurrentWritersKeepTheWindowInWireOrder() throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        WebSocket[] server = new WebSocket[1];
        WebSocketServer ws = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().compression(Compression.builder().threshold(0).build()).build())
                .onOpen(s -> {
                    server[0] = s;
                    opened.countDown();
                })
                .build();
        URI uri = fixture.start(ws);
        RawClient c = connect(uri, "permessage-deflate");
        assertTrue(opened.await(10, TimeUnit.SECONDS));
        int threads = 4;
        int perThread = 300;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    server[0].write("writer " + id + " message " + i + " " + "x".repeat(i % 50));
                }
            }));
        }
        int[] next = new int[threads];
        try (RawDeflate peer = new RawDeflate(true)) {
            for (int n = 0; n < threads * perThread; n++) {
                WireFrame f = c.readFrame();
                assertEquals(4, f.rsv());
                String[] words = new String(peer.inflate(f.payload()), StandardCharsets.UTF_8).split(" ");
                int id = Integer.parseInt(words[1]);
                assertEquals(next[id]++, Integer.parseInt(words[3]), "one writer's order is kept");
            }
        }
        for (Thread t : writers) {
            t.join();
        }
    }

    /**
     * Without context takeover on the server side, a broadcast is compressed once: every receiver
     * gets the same bytes, and they are those cached in the PreparedMessage (asking again at
     * another level returns the cache, not a new compression).
     */
    @Test
    void broadcastIsCompressedOnceWithoutContextTakeover() throws Exception {
        CountDownLatch opened = new CountDownLatch(3);
        WebSocketServer ws = WebSocketServer.builder()
                .options(Options.defaults().toBuilder().compression(Compression.builder().lowMemory(true).build()).build())
                .onOpen(s -> opened.countDown())
                .build();
        URI uri = fixture.start(ws);
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = connect(uri, "permessage-deflate; client_no_context_takeover");
            assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    c.head().header("Sec-WebSocket-Extensions"));
            clients.add(c);
        }
        assertTrue(opened.await(10, TimeUnit.SECONDS));
        byte[] text = DeflateCodecTest.sample(10_000, 5);
        PreparedMessage m = PreparedMessage.textUtf8(text);
        assertEquals(3, ws.broadcast(m));
        var cached = m.deflatedFrame(1);
        byte[] cachedPayload = new byte[cached.limit() - DeflateCodec.payloadOffset(cached)];
        cached.position(DeflateCodec.payloadOffset(cached)).get(cachedPayload);
        for (RawClient c : clients) {
            WireFrame f = c.readFrame();
            assertEquals(4, f.rsv());
            assertArrayEquals(cachedPayload, f.payload());
            try (RawDeflate peer = new RawDeflate(false)) {
                assertArrayEquals(text, peer.inflate(f.payload()));
            }
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
