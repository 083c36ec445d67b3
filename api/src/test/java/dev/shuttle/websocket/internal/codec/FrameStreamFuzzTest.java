package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.FrameDecoder;
import dev.shuttle.websocket.WebSocketException;

/**
 * Jazzer: one direction of a connection as arbitrary bytes, arriving in arbitrary pieces, through
 * the codec the reader uses: {@link FrameParser} for headers, {@link Masking#unmaskCopy} for
 * payloads as they arrive, {@link Utf8Validator} for text, {@link ClosePayload} for close bodies;
 * and the same bytes through the public {@link FrameDecoder}.
 * <p>
 * Input: two configuration bytes (see {@link Config}), then the stream. Invariants:
 * <ul>
 *   <li>the only failure is a {@link WebSocketException} with 1002, 1007 or 1009;</li>
 *   <li>a header is accepted only with a payload length within {@code maxFramePayload}, and what
 *       the parser reports matches the bytes; the unmasked payload equals a plain XOR of them;</li>
 *   <li>the outcome (frames and failure) does not depend on how the bytes were split;</li>
 *   <li>text verdicts agree with the JDK's strict UTF-8 decoder;</li>
 *   <li>FrameDecoder returns the same frames and fails where the header or close body is bad.</li>
 * </ul>
 * Seeds: {@code src/test/resources/dev/shuttle/websocket/internal/codec/FrameStreamFuzzTestInputs/frames/}.
 */
class FrameStreamFuzzTest {
    private static final long[] LIMITS = {0, 1, 2, 125, 126, 65535, 65536, 1 << 20};

    @FuzzTest(maxDuration = "30s")
    void frames(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        Config config = new Config(input[0], input[1]);
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);

        Outcome whole = new Model(config, stream, new SplittableRandom(0), Integer.MAX_VALUE).run();
        Outcome pieces = new Model(config, stream, new SplittableRandom(config.chunkSeed), config.maxChunk).run();
        assertEquals(whole, pieces, "the outcome depends on how the bytes were split");

        if (!config.acceptUnmasked) {
            checkFrameDecoder(config, stream, pieces);
        }
    }

    /** How the stream is read: byte 0 and byte 1 of the input. */
    record Config(boolean server, boolean acceptUnmasked, boolean rsv1Allowed, boolean direct,
                  long maxFramePayload, long maxMessageSize, int chunkSeed, int maxChunk) {
        Config(byte b0, byte b1) {
            this((b0 & 1) != 0, (b0 & 2) != 0, (b0 & 4) != 0, (b0 & 8) != 0,
                    LIMITS[(b0 >> 4) & 7], LIMITS[b1 & 7], (b1 >> 3) & 0x1F, 1 << (((b1 >> 3) & 0x1F) % 7));
        }
    }

    /** One frame as the reader saw it, payload unmasked. */
    record Seen(boolean fin, int rsv, int opcode, String payload) {
    }

    /** What reading the stream gave: the frames, then the close code of the failure (0: none, the bytes ran out). */
    record Outcome(List<Seen> frames, int closeCode, Stage failedAt) {
    }

    /** Where a failure was found: at a header or close body (FrameDecoder sees it too), or only by the reader. */
    enum Stage { NONE, HEADER, CLOSE_BODY, TEXT, MESSAGE_SIZE }

    /**
     * The reader's payload path, written from the codec's contract: parse a header when its bytes
     * are there, then take the payload piece by piece as it arrives, unmasking and validating
     * each piece. The payload array grows with the bytes received, never to the declared length
     * up front.
     */
    private static final class Model {
        private final Config c;
        private final byte[] stream;
        private final SplittableRandom chunks;
        private final int maxChunk;
        private final ByteBuffer buf;
        private final FrameParser parser;
        private final Utf8Validator utf8 = new Utf8Validator();
        private final List<Seen> frames = new ArrayList<>();
        /** What is being checked now, for the failure's {@link Outcome#failedAt}. */
        private Stage stage = Stage.HEADER;

        // The message in progress.
        private boolean text;
        private boolean compressed;
        private long messageLength;
        private byte[] message = new byte[0];

        Model(Config c, byte[] stream, SplittableRandom chunks, int maxChunk) {
            this.c = c;
            this.stream = stream;
            this.chunks = chunks;
            this.maxChunk = maxChunk;
            // The reader's pooled buffers are direct; both kinds go through unmaskCopy.
            this.buf = c.direct ? ByteBuffer.allocateDirect(stream.length).put(stream).clear() : ByteBuffer.wrap(stream);
            buf.limit(0);
            this.parser = new FrameParser(c.server, c.acceptUnmasked, c.maxFramePayload, c.rsv1Allowed);
        }

        /** Makes the next piece of the stream readable; false when all of it has arrived. */
        private boolean arrive() {
            if (buf.limit() == stream.length) {
                return false;
            }
            int n = maxChunk == Integer.MAX_VALUE ? stream.length : chunks.nextInt(1, maxChunk + 1);
            buf.limit((int) Math.min(stream.length, (long) buf.limit() + n));
            return true;
        }

        Outcome run() {
            try {
                while (true) {
                    int start = buf.position();
                    if (!parser.parseHeader(buf)) {
                        assertEquals(start, buf.position(), "an incomplete header moved the buffer");
                        if (!arrive()) {
                            return new Outcome(frames, 0, Stage.NONE);
                        }
                        continue;
                    }
                    checkHeader(start);
                    beginFrame();
                    byte[] payload = readPayload();
                    if (payload == null) {
                        return new Outcome(frames, 0, Stage.NONE);
                    }
                    endFrame(payload);
                    stage = Stage.HEADER;
                }
            } catch (WebSocketException e) {
                int code = e.closeCode();
                assertTrue(code == 1002 || code == 1007 || code == 1009, () -> "close code " + code + ": " + e.getMessage());
                return new Outcome(frames, code, stage);
            }
        }

        /** What the parser reports must be what the bytes say (RFC 6455 §5.2), within the limit. */
        private void checkHeader(int start) {
            int b0 = stream[start] & 0xFF;
            int b1 = stream[start + 1] & 0xFF;
            int len7 = b1 & 0x7F;
            int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            boolean masked = (b1 & 0x80) != 0;
            assertEquals(2 + extended + (masked ? 4 : 0), buf.position() - start, "header length");
            assertEquals((b0 & 0x80) != 0, parser.fin());
            assertEquals((b0 >> 4) & 7, parser.rsv());
            assertEquals(b0 & 0xF, parser.opcode());
            assertEquals(masked, parser.masked());
            long length = extended == 0 ? len7 : bigEndian(start + 2, extended);
            assertEquals(length, parser.payloadLength());
            assertTrue(length >= 0 && length <= c.maxFramePayload, () -> "accepted a payload of " + length + " bytes");
            assertEquals(masked ? (int) bigEndian(start + 2 + extended, 4) : 0, parser.maskKey());
        }

        private long bigEndian(int at, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 8 | (stream[at + i] & 0xFF);
            }
            return v;
        }

        private void beginFrame() throws WebSocketException {
            int opcode = parser.opcode();
            if (opcode >= 8) {
                return;
            }
            if (opcode != 0) {
                text = opcode == 1;
                compressed = (parser.rsv() & 4) != 0;
                messageLength = 0;
                message = new byte[0];
                utf8.reset();
            }
            if (!compressed && messageLength + parser.payloadLength() > c.maxMessageSize) {
                stage = Stage.MESSAGE_SIZE;
                throw new WebSocketException(1009, "message too big");
            }
        }

        /** The unmasked payload, or null when the stream ends inside it. */
        private byte[] readPayload() throws WebSocketException {
            int length = (int) parser.payloadLength();
            int payloadStart = buf.position();
            boolean validate = text && !compressed && parser.opcode() < 8;
            byte[] payload = new byte[Math.min(length, 16)];
            int done = 0;
            int keyPos = 0;
            while (done < length) {
                int n = Math.min(buf.remaining(), length - done);
                if (n == 0) {
                    if (!arrive()) {
                        return null;
                    }
                    continue;
                }
                if (payload.length < done + n) {
                    payload = Arrays.copyOf(payload, (int) Math.min(length, Math.max(done + n, 2L * payload.length)));
                }
                if (parser.masked()) {
                    keyPos = Masking.unmaskCopy(buf, payload, done, n, parser.maskKey(), keyPos);
                } else {
                    buf.get(payload, done, n);
                }
                if (validate) {
                    appendToMessage(payload, done, n);
                    if (!utf8.feed(payload, done, n)) {
                        assertFalse(strictUtf8(message), "the validator refused text that the JDK accepts");
                        stage = Stage.TEXT;
                        throw new WebSocketException(1007, "invalid UTF-8");
                    }
                }
                done += n;
            }
            assertEquals(length, payload.length, "payload array larger than the payload");
            assertArrayEquals(plainUnmask(payloadStart, length), payload, "unmasked payload");
            return payload;
        }

        private byte[] plainUnmask(int from, int length) {
            byte[] out = Arrays.copyOfRange(stream, from, from + length);
            if (parser.masked()) {
                int key = parser.maskKey();
                for (int i = 0; i < length; i++) {
                    out[i] ^= (byte) (key >>> (24 - 8 * (i % 4)));
                }
            }
            return out;
        }

        private void appendToMessage(byte[] b, int off, int n) {
            int at = message.length;
            message = Arrays.copyOf(message, at + n);
            System.arraycopy(b, off, message, at, n);
        }

        private void endFrame(byte[] payload) throws WebSocketException {
            int opcode = parser.opcode();
            if (opcode == 8) {
                stage = Stage.CLOSE_BODY;
                ClosePayload.validate(payload);
            } else if (opcode < 8) {
                messageLength += payload.length;
                if (parser.fin() && text && !compressed) {
                    boolean valid = utf8.isComplete();
                    assertEquals(strictUtf8(message), valid, "validator and JDK disagree on a whole message");
                    if (!valid) {
                        stage = Stage.TEXT;
                        throw new WebSocketException(1007, "text ends inside a character");
                    }
                }
            }
            frames.add(new Seen(parser.fin(), parser.rsv(), opcode, Hex.string(payload)));
        }
    }

    /** The JDK's decoder with malformed input reported: strict RFC 3629 (no surrogates, no overlongs). */
    static boolean strictUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The public decoder, fed the same pieces: the same frames as the reader up to the reader's
     * failure; a failure it can see (a header or a close body) at the same frame with the same code.
     */
    private static void checkFrameDecoder(Config c, byte[] stream, Outcome reader) {
        FrameDecoder decoder = new FrameDecoder(c.server, c.maxFramePayload, c.rsv1Allowed);
        SplittableRandom chunks = new SplittableRandom(c.chunkSeed);
        ByteBuffer buf = ByteBuffer.wrap(stream).limit(0);
        List<Seen> frames = new ArrayList<>();
        int code = 0;
        try {
            while (frames.size() <= reader.frames().size()) {
                int before = buf.position();
                Frame f = decoder.decode(buf);
                if (f == null) {
                    assertEquals(before, buf.position(), "an incomplete frame moved the buffer");
                    if (buf.limit() == stream.length) {
                        break;
                    }
                    buf.limit(Math.min(stream.length, buf.limit() + chunks.nextInt(1, c.maxChunk + 1)));
                    continue;
                }
                frames.add(new Seen(f.fin(), f.rsv(), f.opcode().code(), Hex.string(f.payload())));
            }
        } catch (WebSocketException e) {
            code = e.closeCode();
            assertTrue(code == 1002 || code == 1007 || code == 1009, "FrameDecoder close code " + code);
        } catch (RuntimeException e) {
            fail("FrameDecoder threw " + e, e);
        }
        int common = Math.min(frames.size(), reader.frames().size());
        assertEquals(reader.frames().subList(0, common), frames.subList(0, common), "FrameDecoder frames");
        switch (reader.failedAt()) {
            case NONE -> {
                assertEquals(reader.frames(), frames, "FrameDecoder frames at the end of the stream");
                assertEquals(0, code);
            }
            case HEADER, CLOSE_BODY -> {
                assertEquals(reader.frames(), frames, "FrameDecoder frames before the failure");
                assertEquals(reader.closeCode(), code, "FrameDecoder close code");
            }
            case TEXT, MESSAGE_SIZE -> {
                // The decoder checks neither UTF-8 nor message sizes: it may go on past that frame.
            }
        }
    }
}
