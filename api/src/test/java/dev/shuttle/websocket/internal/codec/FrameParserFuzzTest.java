package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.WebSocketException;

/**
 * Random headers against an independent, deliberately plain reading of RFC 6455 §5.2: the
 * parser must return the header the bytes say, report incomplete input, or throw a
 * {@link WebSocketException} with 1002 / 1009 — never anything else.
 */
class FrameParserFuzzTest {
    private static final long[] LIMITS = {0, 125, 1000, 65535, 1 << 20, Long.MAX_VALUE};

    /** What the reference expects: a close code, "incomplete" (0) or "accepted" (-1). */
    private static final int INCOMPLETE = 0;
    private static final int ACCEPTED = -1;

    @Test
    void randomHeaders() {
        Random random = new Random(20111211);   // RFC 6455's publication date
        int[] outcomes = new int[4];
        for (int run = 0; run < 200; run++) {
            boolean expectMasked = random.nextBoolean();
            boolean acceptUnmasked = random.nextBoolean();
            boolean rsv1Allowed = random.nextBoolean();
            long limit = LIMITS[random.nextInt(LIMITS.length)];
            FrameParser parser = new FrameParser(expectMasked, acceptUnmasked, limit, rsv1Allowed);
            boolean inMessage = false;
            for (int i = 0; i < 100; i++) {
                byte[] header = randomHeader(random, expectMasked);
                int available = random.nextInt(3) == 0 ? random.nextInt(header.length + 1) : header.length;
                int expected = reference(header, available, expectMasked, acceptUnmasked, rsv1Allowed, limit, inMessage);
                ByteBuffer buf = ByteBuffer.wrap(header, 0, available);
                try {
                    boolean done = parser.parseHeader(buf);
                    if (!done) {
                        assertEquals(INCOMPLETE, expected, () -> "incomplete, expected " + expected + ": " + Hex.string(header));
                        assertEquals(0, buf.position());
                        outcomes[0]++;
                        continue;
                    }
                    assertEquals(ACCEPTED, expected, () -> "accepted, expected " + expected + ": " + Hex.string(header));
                    assertConsistent(parser, header, buf.position());
                    if ((header[0] & 0x08) == 0) {
                        inMessage = (header[0] & 0x80) == 0;
                    }
                    assertEquals(inMessage, parser.inMessage());
                    outcomes[1]++;
                } catch (WebSocketException e) {
                    assertEquals(expected, e.closeCode(), () -> e.getMessage() + ": " + Hex.string(header));
                    assertTrue(e.closeCode() == 1002 || e.closeCode() == 1009);
                    assertEquals(0, buf.position());
                    outcomes[e.closeCode() == 1002 ? 2 : 3]++;
                    // A failed connection is not parsed further: go on with a fresh one.
                    parser = new FrameParser(expectMasked, acceptUnmasked, limit, rsv1Allowed);
                    inMessage = false;
                } catch (RuntimeException e) {
                    fail("unexpected " + e + " for " + Hex.string(header), e);
                }
            }
        }
        // The generator must reach every outcome often, or the fuzz proves little.
        for (int n : outcomes) {
            assertTrue(n > 500, () -> "outcomes incomplete/accepted/1002/1009: " + Arrays.toString(outcomes));
        }
    }

    /** 14 bytes, biased toward plausible headers so that all paths are reached. */
    private static byte[] randomHeader(Random r, boolean expectMasked) {
        byte[] b = new byte[FrameEncoder.MAX_HEADER_LENGTH];
        r.nextBytes(b);
        if (r.nextBoolean()) {
            int[] usual = {0, 1, 2, 8, 9, 10};
            b[0] = (byte) ((r.nextBoolean() ? 0x80 : 0) | (r.nextInt(4) == 0 ? 0x40 : 0) | usual[r.nextInt(usual.length)]);
        }
        if (r.nextBoolean()) {
            int[] lengths = {0, 1, 2, 5, 125, 126, 127, r.nextInt(128)};
            b[1] = (byte) ((b[1] & 0x80) | lengths[r.nextInt(lengths.length)]);
        }
        if (r.nextBoolean()) {
            b[1] = (byte) ((expectMasked ? 0x80 : 0) | (b[1] & 0x7F));
        }
        if (r.nextInt(3) == 0) {
            // a 64-bit length with the high bytes cleared: small, minimal or just non-minimal
            int zeros = r.nextInt(8);
            for (int i = 2; i < 2 + zeros; i++) {
                b[i] = 0;
            }
        }
        return b;
    }

    private static long lengthOf(byte[] h, int extended) {
        long v = 0;
        for (int i = 0; i < extended; i++) {
            v = v * 256 + (h[2 + i] & 0xFF);
        }
        return v;
    }

    private static int reference(byte[] h, int n, boolean expectMasked, boolean acceptUnmasked,
                                 boolean rsv1Allowed, long limit, boolean inMessage) {
        if (n < 2) {
            return INCOMPLETE;
        }
        boolean fin = (h[0] & 0x80) != 0;
        boolean rsv1 = (h[0] & 0x40) != 0;
        boolean rsv23 = (h[0] & 0x30) != 0;
        int opcode = h[0] & 0x0F;
        boolean masked = (h[1] & 0x80) != 0;
        int len7 = h[1] & 0x7F;
        boolean control = opcode >= 8;
        boolean known = opcode <= 2 || (opcode >= 8 && opcode <= 10);
        boolean bad = rsv23
                || (rsv1 && (!rsv1Allowed || control || opcode == 0))
                || !known
                || (control && (!fin || len7 > 125 || (opcode == 8 && len7 == 1)))
                || (opcode == 0 && !inMessage)
                || ((opcode == 1 || opcode == 2) && inMessage)
                || (expectMasked ? !masked && !acceptUnmasked : masked);
        if (bad) {
            return 1002;
        }
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        if (n < 2 + extended) {
            return INCOMPLETE;
        }
        long length = extended == 0 ? len7 : lengthOf(h, extended);
        if (extended == 8 && (h[2] & 0x80) != 0) {
            return 1002;
        }
        if ((extended == 2 && length < 126) || (extended == 8 && length < 65536)) {
            return 1002;
        }
        if (length > limit) {
            return 1009;
        }
        return n < 2 + extended + (masked ? 4 : 0) ? INCOMPLETE : ACCEPTED;
    }

    private static void assertConsistent(FrameParser p, byte[] h, int headerLength) {
        int len7 = h[1] & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        boolean masked = (h[1] & 0x80) != 0;
        assertEquals(2 + extended + (masked ? 4 : 0), headerLength);
        assertEquals((h[0] & 0x80) != 0, p.fin());
        assertEquals((h[0] >> 4) & 7, p.rsv());
        assertEquals(h[0] & 0xF, p.opcode());
        assertEquals(masked, p.masked());
        assertEquals(extended == 0 ? len7 : lengthOf(h, extended), p.payloadLength());
        int key = 0;
        if (masked) {
            for (int i = 0; i < 4; i++) {
                key = key << 8 | (h[2 + extended + i] & 0xFF);
            }
        }
        assertEquals(key, p.maskKey());
        assertFalse(p.payloadLength() < 0);
    }
}
