package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.WebSocketException;

/**
 * Jazzer: a server's receiving half of permessage-deflate ({@link PerMessageDeflate} and
 * {@link Inflation}) inflating arbitrary compressed messages, frame by frame, under a size limit.
 * <p>
 * Input: byte 0 picks the limit (bits 0-2) and whether the client resets its window per message
 * (bit 3, {@code client_no_context_takeover}); byte 1 seeds how each message is cut into frames;
 * then messages, each a 2-byte big-endian length and that many compressed bytes.
 * Invariants: the only failure is a {@link WebSocketException} with 1007 (bad data) or 1009 (the
 * limit); the inflated message never exceeds the limit and the array holding it never exceeds
 * limit + 1 bytes, whatever the ratio (zip bombs); the bytes are those an independent
 * {@link Inflater} produces; no inflater stays borrowed after the connection's reader is done.
 */
class InflateFuzzTest {
    private static final long[] LIMITS = {0, 1, 16, 255, 256, 4096, 65536, 1 << 20};
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    @FuzzTest(maxDuration = "30s")
    void inflate(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        long limit = LIMITS[input[0] & 7];
        boolean clientResets = (input[0] & 8) != 0;
        SplittableRandom split = new SplittableRandom(input[1]);
        List<byte[]> messages = messages(input, 2);

        DeflateParams params = new DeflateParams(false, clientResets, 15, 15);
        PerMessageDeflate deflate = new PerMessageDeflate(params, Compression.defaults(), true, limit);
        long inUse = Zlib.liveInflaters() - Zlib.pooledInflaters();
        try (Reference reference = new Reference(!clientResets, limit)) {
            for (byte[] message : messages) {
                Expected expected = reference.inflate(message);
                byte[] got;
                try {
                    got = inflateMessage(deflate, message, split, limit);
                } catch (WebSocketException e) {
                    // zlib drops the output of the call that finds bad data: with the reference's larger
                    // output chunks, data that is bad past the limit may look bad before it.
                    boolean pastLimitFirst = expected.closeCode == 1007 && e.closeCode() == 1009
                            && expected.produced + Reference.CHUNK > limit;
                    assertTrue(expected.closeCode == e.closeCode() || pastLimitFirst,
                            () -> "close code " + e.closeCode() + " (" + e.getMessage() + ") for " + expected);
                    return; // the connection fails: its reader stops here
                }
                assertEquals(0, expected.closeCode, () -> "inflated although " + expected);
                assertArrayEquals(expected.bytes, got, "inflated bytes");
            }
        } finally {
            deflate.closeReceiver();
            assertEquals(inUse, Zlib.liveInflaters() - Zlib.pooledInflaters(), "an inflater is still borrowed after closeReceiver");
        }
    }

    /** The input after {@code from} as length-prefixed messages (the last one cut short if the bytes run out). */
    private static List<byte[]> messages(byte[] input, int from) {
        List<byte[]> out = new ArrayList<>();
        int at = from;
        while (at < input.length && out.size() < 8) {
            int length = at + 1 < input.length ? ((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF) : 0;
            at += 2;
            int end = (int) Math.min(input.length, (long) at + length);
            out.add(Arrays.copyOfRange(input, Math.min(at, input.length), Math.max(end, Math.min(at, input.length))));
            at = end;
        }
        return out;
    }

    /** One message as the reader handles it: beginMessage, one inflate per frame, finishMessage. */
    private static byte[] inflateMessage(PerMessageDeflate deflate, byte[] message, SplittableRandom split, long limit)
            throws WebSocketException {
        deflate.beginMessage();
        int at = 0;
        do {
            int n = Math.min(message.length - at, split.nextInt(0, 64));
            deflate.inflate(message, at, n);
            at += n;
            checkBounds(deflate, limit);
        } while (at < message.length);
        deflate.finishMessage();
        checkBounds(deflate, limit);
        byte[] m = deflate.takeMessage();
        assertTrue(m.length <= limit, "message past the limit");
        return m;
    }

    private static void checkBounds(PerMessageDeflate deflate, long limit) {
        assertTrue(deflate.inflatedLength() <= limit, () -> deflate.inflatedLength() + " bytes inflated, limit " + limit);
        byte[] buffer = deflate.inflated();
        assertTrue(buffer == null || buffer.length <= limit + 1, () -> "an array of " + buffer.length + " bytes for a limit of " + limit);
    }

    /** What the message should give: its bytes, or the close code of the failure. */
    private record Expected(byte[] bytes, int closeCode, long produced, String why) {
        @Override
        public String toString() {
            return why;
        }
    }

    /**
     * An independent reading of RFC 7692 §7.2.2 with a plain raw Inflater: append {@code 00 00 ff
     * ff} to the message, inflate, and stop at the limit; a stream ended by BFINAL ignores what
     * follows in its message and starts anew with the next one.
     */
    private static final class Reference implements AutoCloseable {
        static final int CHUNK = 8192;
        private final boolean takeover;
        private final long limit;
        private final Inflater inflater = new Inflater(true);

        Reference(boolean takeover, long limit) {
            this.takeover = takeover;
            this.limit = limit;
        }

        /** Native memory is not the collector's: end it at once, as Zlib does. */
        @Override
        public void close() {
            inflater.end();
        }

        Expected inflate(byte[] message) {
            if (!takeover) {
                inflater.reset();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[CHUNK];
            try {
                for (byte[] input : new byte[][] {message, TAIL}) {
                    if (inflater.finished()) {
                        break;
                    }
                    inflater.setInput(input);
                    while (!inflater.finished()) {
                        int n = inflater.inflate(chunk);
                        out.write(chunk, 0, n);
                        if (out.size() > limit) {
                            return new Expected(null, 1009, out.size(), "more than " + limit + " bytes");
                        }
                        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                            break;
                        }
                    }
                    if (inflater.needsDictionary()) {
                        return new Expected(null, 1007, out.size(), "a preset dictionary");
                    }
                }
            } catch (DataFormatException e) {
                return new Expected(null, 1007, out.size(), "invalid data after " + out.size() + " bytes: " + e.getMessage());
            }
            if (inflater.finished()) {
                inflater.reset();
            }
            return new Expected(out.toByteArray(), 0, out.size(), out.size() + " bytes");
        }
    }
}
