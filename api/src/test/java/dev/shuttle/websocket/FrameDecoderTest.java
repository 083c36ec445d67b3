package dev.shuttle.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The public decoder, from bytes: whole frames, partial input, and its rejections. */
class FrameDecoderTest {
    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    @Test
    void decodesRfcExamples() throws Exception {
        FrameDecoder fromServer = new FrameDecoder(false, 1 << 20);
        Frame f = fromServer.decode(hex("81 05 48 65 6c 6c 6f"));
        assertEquals(Opcode.TEXT, f.opcode());
        assertTrue(f.fin());
        assertEquals("Hello", f.text());

        FrameDecoder fromClient = new FrameDecoder(true, 1 << 20);
        Frame masked = fromClient.decode(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertEquals("Hello", masked.text());
        Frame ping = fromClient.decode(hex("89 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertEquals(Opcode.PING, ping.opcode());
        assertEquals("Hello", ping.text());
    }

    @Test
    void decodesSeveralFramesFromOneBuffer() throws Exception {
        FrameDecoder d = new FrameDecoder(false, 1 << 20);
        ByteBuffer buf = hex("01 03 48 65 6c  8a 00  80 02 6c 6f  88 02 03 e8");
        Frame first = d.decode(buf);
        assertFalse(first.fin());
        assertEquals("Hel", first.text());
        assertEquals(Opcode.PONG, d.decode(buf).opcode());
        Frame last = d.decode(buf);
        assertEquals(Opcode.CONTINUATION, last.opcode());
        assertEquals("lo", last.text());
        Frame close = d.decode(buf);
        assertEquals(1000, close.closeCode());
        assertNull(d.decode(buf));
        assertEquals(0, buf.remaining());
    }

    @Test
    void incompleteInputReturnsNullWithoutMovingTheBuffer() throws Exception {
        // A fragmented message, so that re-parsing a header would be a fragmentation error.
        byte[] wire = HexFormat.of().parseHex("01 83 01 02 03 04 49 67 6f".replace(" ", "")
                + "80 82 05 06 07 08 69 69".replace(" ", ""));
        FrameDecoder d = new FrameDecoder(true, 1 << 20);
        List<Frame> frames = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(wire.length);
        for (byte b : wire) {                     // one byte at a time, compacting like a reader would
            buf.put(b).flip();
            int before = buf.position();
            Frame f = d.decode(buf);
            if (f == null) {
                assertEquals(before, buf.position(), "null leaves the buffer where it was");
            } else {
                frames.add(f);
            }
            buf.compact();
        }
        assertEquals(2, frames.size());
        assertEquals("Hel", frames.get(0).text());
        assertEquals("lo", frames.get(1).text());
        assertEquals(Opcode.CONTINUATION, frames.get(1).opcode());
    }

    @Test
    void roundTripsThroughFrameEncode() throws Exception {
        Random random = new Random(5);
        FrameDecoder d = new FrameDecoder(true, 1 << 20, true);
        for (int length : new int[] {0, 1, 125, 126, 65535, 65536, 100_000}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            Frame sent = new Frame(true, 4, Opcode.BINARY, payload);
            Frame got = d.decode(sent.encode(random.nextInt()));
            assertEquals(Opcode.BINARY, got.opcode());
            assertEquals(4, got.rsv());
            assertArrayEquals(payload, got.payload());
        }
    }

    @Test
    void headerErrorsCarryTheirCloseCodeAndConsumeNothing() {
        assertRejected(new FrameDecoder(true, 1 << 20), "81 05 48 65 6c 6c 6f", CloseCode.PROTOCOL_ERROR);   // unmasked
        assertRejected(new FrameDecoder(false, 1 << 20), "83 00", CloseCode.PROTOCOL_ERROR);                  // reserved opcode
        assertRejected(new FrameDecoder(false, 1 << 20), "c1 00", CloseCode.PROTOCOL_ERROR);                  // RSV1
        assertRejected(new FrameDecoder(false, 1 << 20), "80 00", CloseCode.PROTOCOL_ERROR);                  // lone continuation
        assertRejected(new FrameDecoder(false, 10), "82 0b 00 00 00 00 00 00 00 00 00 00 00", CloseCode.MESSAGE_TOO_BIG);
        // 2^62 bytes announced with a huge limit: refused, never allocated.
        assertRejected(new FrameDecoder(false, Long.MAX_VALUE), "82 7f 40 00 00 00 00 00 00 00", CloseCode.MESSAGE_TOO_BIG);
    }

    @Test
    void badClosePayloadsAreRejected() {
        assertRejected(new FrameDecoder(false, 1 << 20), "88 02 03 ed", CloseCode.PROTOCOL_ERROR);            // 1005 on the wire
        assertRejected(new FrameDecoder(false, 1 << 20), "88 04 03 e8 ed a0", CloseCode.INVALID_PAYLOAD);     // bad UTF-8 reason
    }

    private static void assertRejected(FrameDecoder d, String hex, int closeCode) {
        ByteBuffer buf = hex(hex);
        WebSocketException e = assertThrows(WebSocketException.class, () -> d.decode(buf));
        assertEquals(closeCode, e.closeCode(), e.getMessage());
        assertEquals(0, buf.position());
    }
}
