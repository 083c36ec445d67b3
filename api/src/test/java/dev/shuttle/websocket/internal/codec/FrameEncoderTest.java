package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Encoder output from bytes, and encoder↔parser round trips at every length boundary. */
class FrameEncoderTest {
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rfcExamples() {
        // RFC 6455 §5.7
        assertEquals("810548656c6c6f", Hex.string(FrameEncoder.encode(true, 0, 1, HELLO, 0, 5, false, 0)));
        assertEquals("818537fa213d7f9f4d5158", Hex.string(FrameEncoder.encode(true, 0, 1, HELLO, 0, 5, true, 0x37fa213d)));
        assertEquals("010348656c", Hex.string(FrameEncoder.encode(false, 0, 1, HELLO, 0, 3, false, 0)));
        assertEquals("80026c6f", Hex.string(FrameEncoder.encode(true, 0, 0, HELLO, 3, 2, false, 0)));
        ByteBuffer big = FrameEncoder.encode(true, 0, 2, new byte[256], 0, 256, false, 0);
        assertEquals("827e0100", Hex.string(big.limit(4)));
        ByteBuffer huge = FrameEncoder.encode(true, 0, 2, new byte[65536], 0, 65536, false, 0);
        assertEquals("827f0000000000010000", Hex.string(huge.limit(10)));
    }

    @Test
    void encodingMasksTheCopyOnly() {
        byte[] payload = HELLO.clone();
        FrameEncoder.encode(true, 0, 1, payload, 0, 5, true, 0x37fa213d);
        assertArrayEquals(HELLO, payload);
    }

    @Test
    void rsvAndFinBits() {
        assertEquals("c100", Hex.string(FrameEncoder.encode(true, 4, 1, new byte[0], 0, 0, false, 0)));
        assertEquals("7200", Hex.string(FrameEncoder.encode(false, 7, 2, new byte[0], 0, 0, false, 0)));
    }

    @Test
    void headerLengths() {
        assertEquals(2, FrameEncoder.headerLength(0, false));
        assertEquals(2, FrameEncoder.headerLength(125, false));
        assertEquals(4, FrameEncoder.headerLength(126, false));
        assertEquals(4, FrameEncoder.headerLength(65535, false));
        assertEquals(10, FrameEncoder.headerLength(65536, false));
        assertEquals(FrameEncoder.MAX_HEADER_LENGTH, FrameEncoder.headerLength(Long.MAX_VALUE, true));
        assertEquals(6, FrameEncoder.headerLength(0, true));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.headerLength(-1, false));
    }

    @Test
    void writeHeaderIsBigEndianWhateverTheBufferOrder() {
        ByteBuffer dst = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.writeHeader(dst, true, 0, 2, 1L << 40, true, 0x01020304);
        assertEquals(14, dst.position());
        assertEquals("82ff000001000000000001020304", Hex.string(dst.flip()));
    }

    @Test
    void writeHeaderWritesNothingWhenItDoesNotFit() {
        ByteBuffer dst = ByteBuffer.allocate(5);
        assertThrows(BufferOverflowException.class, () -> FrameEncoder.writeHeader(dst, true, 0, 2, 126, true, 1));
        assertEquals(0, dst.position());
    }

    @Test
    void writeHeaderRefusesFieldsThatDoNotFit() {
        ByteBuffer dst = ByteBuffer.allocate(14);
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.writeHeader(dst, true, 0, 16, 0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.writeHeader(dst, true, 8, 1, 0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.writeHeader(dst, true, 0, 1, -1, false, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 3 * 1024 * 1024 + 7})
    void roundTrip(int length) throws Exception {
        Random random = new Random(length);
        byte[] payload = new byte[length + 10];
        random.nextBytes(payload);
        for (boolean masked : new boolean[] {false, true}) {
            int key = random.nextInt();
            ByteBuffer wire = FrameEncoder.encode(true, 0, 2, payload, 5, length, masked, key);
            int headerLength = FrameEncoder.headerLength(length, masked);
            assertEquals(headerLength + length, wire.remaining());

            FrameParser parser = new FrameParser(masked, false, Long.MAX_VALUE, false);
            assertTrue(parser.parseHeader(wire));
            assertEquals(headerLength, wire.position());
            assertEquals(length, parser.payloadLength());
            assertEquals(masked, parser.masked());
            assertEquals(masked ? key : 0, parser.maskKey());
            assertEquals(2, parser.opcode());
            assertTrue(parser.fin());

            byte[] back = new byte[length];
            if (masked) {
                Masking.unmaskCopy(wire, back, 0, length, parser.maskKey(), 0);
            } else {
                wire.get(back);
            }
            assertEquals(0, wire.remaining());
            assertArrayEquals(Arrays.copyOfRange(payload, 5, 5 + length), back);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 125, 126, 65535, 65536, 1L << 32, 1L << 40, Long.MAX_VALUE})
    void headerRoundTripWithoutPayload(long length) throws Exception {
        for (int opcode : new int[] {1, 2}) {
            for (boolean fin : new boolean[] {false, true}) {
                ByteBuffer dst = ByteBuffer.allocate(FrameEncoder.MAX_HEADER_LENGTH);
                FrameEncoder.writeHeader(dst, fin, 4, opcode, length, true, 0xcafebabe);
                dst.flip();
                FrameParser parser = new FrameParser(true, false, Long.MAX_VALUE, true);
                assertTrue(parser.parseHeader(dst));
                assertEquals(length, parser.payloadLength());
                assertEquals(4, parser.rsv());
                assertEquals(fin, parser.fin());
                assertEquals(opcode, parser.opcode());
                assertEquals(0xcafebabe, parser.maskKey());
                assertEquals(!fin, parser.inMessage());
            }
        }
    }
}
