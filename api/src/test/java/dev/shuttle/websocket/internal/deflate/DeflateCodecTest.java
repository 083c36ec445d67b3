package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;
import dev.shuttle.websocket.internal.codec.Hex;

/** The permessage-deflate codec (RFC 7692 §7.2) from bytes, no sockets. */
class DeflateCodecTest {
    private static final long LIMIT = 8 << 20;

    /** RFC 7692 §7.2.3.1: "Hello" compressed without context takeover is c2 48 cd c9 c9 07 00 (tail removed). */
    @Test
    void rfc7692Section7231Hello() throws Exception {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] c = DeflateCodec.compress(d, utf8("Hello"), 0, 5);
        d.end();
        assertArrayEquals(Hex.bytes("f248cdc9c90700"), c);
        assertEquals("Hello", inflateOnce(c));
        // The example's own bytes (another compressor's choice) inflate to the same text.
        assertEquals("Hello", inflateOnce(Hex.bytes("f248cdc9c90700")));
    }

    /** §7.2.3.2: the second "Hello" with context takeover refers back into the first one. */
    @Test
    void rfc7692Section7232ContextTakeover() throws Exception {
        Inflater inflater = new Inflater(true);
        Inflation out = new Inflation(LIMIT);
        out.inflate(inflater, Hex.bytes("f248cdc9c90700"), 0, 7);
        out.finish(inflater);
        assertEquals("Hello", new String(out.take(), StandardCharsets.UTF_8));
        byte[] second = Hex.bytes("f200110000");
        out.inflate(inflater, second, 0, second.length);
        out.finish(inflater);
        assertEquals("Hello", new String(out.take(), StandardCharsets.UTF_8));
        inflater.end();
    }

    /** §7.2.3.3: a message in a stored (uncompressed) block: 00 05 00 fa ff "Hello". */
    @Test
    void rfc7692Section7233StoredBlock() throws Exception {
        assertEquals("Hello", inflateOnce(Hex.bytes("000500faff48656c6c6f00")));
    }

    /** §7.2.3.6: an empty message may be sent as a single 0x00; our compressor makes exactly that. */
    @Test
    void emptyMessage() throws Exception {
        Deflater d = new Deflater(6, true);
        byte[] c = DeflateCodec.compress(d, new byte[0], 0, 0);
        d.end();
        assertArrayEquals(new byte[] {0}, c);
        assertEquals("", inflateOnce(c));
        assertEquals("", inflateOnce(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 10 << 10, 200 << 10, 1 << 20})
    void roundTripsWithAndWithoutContextTakeover(int size) throws Exception {
        for (boolean takeover : new boolean[] {true, false}) {
            Deflater d = new Deflater(6, true);
            Inflater i = new Inflater(true);
            Inflation out = new Inflation(LIMIT);
            for (int m = 0; m < 3; m++) {
                byte[] msg = sample(size, m);
                byte[] c = DeflateCodec.compress(d, msg, 0, msg.length);
                assertTrue(c.length < 4 || !Arrays.equals(Arrays.copyOfRange(c, c.length - 4, c.length), DeflateCodec.TAIL),
                        "the 00 00 ff ff tail is removed (§7.2.1)");
                out.inflate(i, c, 0, c.length);
                out.finish(i);
                assertArrayEquals(msg, out.take());
                if (!takeover) {
                    d.reset();
                    i.reset();
                }
            }
            d.end();
            i.end();
        }
    }

    /** Context takeover pays: a repeated message compresses to a few bytes the second time. */
    @Test
    void contextTakeoverShrinksRepeats() {
        Deflater d = new Deflater(6, true);
        byte[] msg = sample(2000, 7);
        int first = DeflateCodec.compress(d, msg, 0, msg.length).length;
        int second = DeflateCodec.compress(d, msg, 0, msg.length).length;
        d.end();
        assertTrue(second < first / 10, first + " then " + second);
    }

    /** A compressed message split into frames at every awkward place inflates the same (§6.2 fragments). */
    @Test
    void fragmentedAtAnyByte() throws Exception {
        Deflater d = new Deflater(6, true);
        byte[] msg = sample(5000, 3);
        byte[] c = DeflateCodec.compress(d, msg, 0, msg.length);
        d.end();
        for (int cut : new int[] {0, 1, 2, c.length / 3, c.length - 2, c.length - 1, c.length}) {
            Inflater i = new Inflater(true);
            Inflation out = new Inflation(LIMIT);
            out.inflate(i, c, 0, cut);
            out.inflate(i, c, cut, c.length - cut);
            out.finish(i);
            assertArrayEquals(msg, out.take(), "cut at " + cut);
            i.end();
        }
        // One byte per frame.
        Inflater i = new Inflater(true);
        Inflation out = new Inflation(LIMIT);
        for (int k = 0; k < c.length; k++) {
            out.inflate(i, c, k, 1);
        }
        out.finish(i);
        assertArrayEquals(msg, out.take());
        i.end();
    }

    /** A whole frame: FIN, RSV1, opcode, 7/16/64-bit lengths, masked or not; the payload inflates back. */
    @ParameterizedTest
    @ValueSource(ints = {0, 100, 1000, 100_000, 1 << 20})
    void compressFrame(int size) throws Exception {
        byte[] msg = new byte[size];
        new Random(size).nextBytes(msg); // incompressible: the frame can grow past 64 KiB
        for (boolean masked : new boolean[] {false, true}) {
            Deflater d = new Deflater(1, true);
            ByteBuffer f = DeflateCodec.compressFrame(d, msg, 0, size, 0x2, masked);
            d.end();
            assertEquals(0x80 | 0x40 | 0x2, f.get(f.position()) & 0xFF);
            int at = DeflateCodec.payloadOffset(f);
            byte[] payload = Arrays.copyOfRange(f.array(), f.arrayOffset() + at, f.arrayOffset() + f.limit());
            int len7 = f.get(f.position() + 1) & 0x7F;
            long declared = len7 < 126 ? len7 : len7 == 126 ? f.getShort(f.position() + 2) & 0xFFFF : f.getLong(f.position() + 2);
            assertEquals(payload.length, declared);
            assertEquals(masked, (f.get(f.position() + 1) & 0x80) != 0);
            assertArrayEquals(msg, inflateBytes(payload));
        }
    }

    /** The zip bomb: 100 MiB of zeros (~100 KiB compressed) against a 1 MiB limit fails with 1009 at the limit. */
    @Test
    void zipBombStopsAtTheLimit() {
        byte[] bomb = zipBomb(100 << 20);
        assertTrue(bomb.length < 150_000, "compressed " + bomb.length);
        Inflater i = new Inflater(true);
        Inflation out = new Inflation(1 << 20);
        WebSocketException e = assertThrows(WebSocketException.class, () -> out.inflate(i, bomb, 0, bomb.length));
        assertEquals(CloseCode.MESSAGE_TOO_BIG, e.closeCode());
        assertTrue(out.buffer().length <= (1 << 20) + 1, "never more room than the limit + 1: " + out.buffer().length);
        i.end();
    }

    @Test
    void exactlyTheLimitPasses() throws Exception {
        byte[] msg = new byte[4096];
        Deflater d = new Deflater(6, true);
        byte[] c = DeflateCodec.compress(d, msg, 0, msg.length);
        d.end();
        Inflater i = new Inflater(true);
        Inflation out = new Inflation(4096);
        out.inflate(i, c, 0, c.length);
        out.finish(i);
        assertEquals(4096, out.take().length);
        Inflation small = new Inflation(4095);
        i.reset();
        assertThrows(WebSocketException.class, () -> {
            small.inflate(i, c, 0, c.length);
            small.finish(i);
        });
        i.end();
    }

    @Test
    void garbageIs1007() {
        Inflater i = new Inflater(true);
        Inflation out = new Inflation(LIMIT);
        byte[] junk = Hex.bytes("ffffffff");
        WebSocketException e = assertThrows(WebSocketException.class, () -> out.inflate(i, junk, 0, junk.length));
        assertEquals(CloseCode.INVALID_PAYLOAD, e.closeCode());
        i.end();
    }

    static byte[] zipBomb(int inflatedSize) {
        Deflater d = new Deflater(9, true);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        for (int done = 0; done < inflatedSize; done += zeros.length) {
            d.setInput(zeros);
            while (!d.needsInput()) {
                bos.write(buf, 0, d.deflate(buf));
            }
        }
        for (int n; (n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0; ) {
            bos.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = bos.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    /** Text that compresses like real messages: words from a small vocabulary, varied per seed. */
    static byte[] sample(int size, long seed) {
        String[] words = {"shuttle", "frame", "deflate", "window", "message", "loom", "thread", "{\"id\":", "42,", "true}"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 16);
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]).append(' ');
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), size);
    }

    private static String inflateOnce(byte[] c) throws Exception {
        return new String(inflateBytes(c), StandardCharsets.UTF_8);
    }

    private static byte[] inflateBytes(byte[] c) throws Exception {
        Inflater i = new Inflater(true);
        Inflation out = new Inflation(LIMIT);
        out.inflate(i, c, 0, c.length);
        out.finish(i);
        i.end();
        return out.take();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
