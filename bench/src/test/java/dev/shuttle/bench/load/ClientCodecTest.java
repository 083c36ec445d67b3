package dev.shuttle.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.FrameDecoder;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.internal.codec.FrameEncoder;

/** The load generator's own frame codec and handshake, checked against Shuttle's codec and RFC 6455's examples. */
class ClientCodecTest {
    private static final int[] SIZES = {0, 1, 22, 125, 126, 1000, 65535, 65536, 200_000};

    @Test
    void clientFramesDecodeWithShuttlesServerSideDecoder() throws Exception {
        for (int size : SIZES) {
            byte[] payload = ClientFrames.payload(size);
            byte[] wire = new byte[ClientFrames.frameLength(size)];
            int n = ClientFrames.encode(wire, 0, ClientFrames.OP_BINARY, payload, 0, size, 0xCAFEBABE);
            assertEquals(wire.length, n, "frame length for " + size);
            Frame f = new FrameDecoder(true, 1 << 20).decode(ByteBuffer.wrap(wire));
            assertNotNull(f, "whole frame for " + size);
            assertEquals(Opcode.BINARY, f.opcode());
            assertTrue(f.fin());
            assertArrayEquals(payload, f.payload(), "payload of " + size);
        }
    }

    /** RFC 6455 §5.7: a masked "Hello" with key 37 fa 21 3d. */
    @Test
    void maskedHelloMatchesTheRfcExample() {
        byte[] wire = new byte[11];
        ClientFrames.encode(wire, 0, ClientFrames.OP_TEXT, "Hello".getBytes(StandardCharsets.US_ASCII), 0, 5, 0x37FA213D);
        assertArrayEquals(new byte[] {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58}, wire);
    }

    @Test
    void readerFindsEveryFrameAndStampWhateverTheSplit() throws Exception {
        // Three server frames as Shuttle encodes them: stamped binary, a 126-byte text, a 70000-byte binary.
        byte[] stamped = ClientFrames.payload(40);
        ClientFrames.putStamp(stamped, 0, 0x0123_4567_89AB_CDEFL);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (byte[] p : List.of(stamped, ClientFrames.payload(126), ClientFrames.payload(70_000))) {
            ByteBuffer f = FrameEncoder.encode(true, 0, p.length == 126 ? 1 : 2, p, 0, p.length, false, 0);
            wire.write(f.array(), 0, f.limit());
        }
        byte[] all = wire.toByteArray();
        for (int split = 1; split < 200; split += 7) {
            FrameReader reader = new FrameReader(true);
            List<String> seen = new ArrayList<>();
            FrameReader.Sink sink = (op, fin, len, stamp) -> seen.add(op + "/" + fin + "/" + len + "/" + Long.toHexString(stamp));
            for (int at = 0; at < all.length; at += split) {
                reader.feed(ByteBuffer.wrap(all, at, Math.min(split, all.length - at)), sink);
            }
            assertEquals(List.of("2/true/40/123456789abcdef", "1/true/126/ffffffffffffffff", "2/true/70000/ffffffffffffffff"),
                    seen, "split every " + split + " bytes");
        }
    }

    @Test
    void readerRefusesAMaskedServerFrame() {
        byte[] wire = new byte[ClientFrames.frameLength(3)];
        ClientFrames.encode(wire, 0, ClientFrames.OP_BINARY, new byte[3], 0, 3, 1);
        assertThrows(java.io.IOException.class, () -> new FrameReader(false).feed(ByteBuffer.wrap(wire), (o, f, l, s) -> { }));
    }

    /** RFC 6455 §1.3's key and accept value. */
    @Test
    void acceptKeyAndResponseCheck() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ClientHandshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
        ClientHandshake h = new ClientHandshake("localhost", 80, "/");
        String request = new String(h.request(), StandardCharsets.US_ASCII);
        String key = request.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow().substring(19);
        byte[] ok = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "sec-websocket-accept: " + ClientHandshake.acceptFor(key) + "\r\n\r\n\u0082\u0000").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(ok.length - 2, h.check(ok, ok.length), "frames start right after the head");
        assertEquals(-1, h.check(ok, 20), "incomplete head");
        byte[] wrong = "HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: xyz=\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalStateException.class, () -> h.check(wrong, wrong.length));
        byte[] refused = "HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalStateException.class, () -> h.check(refused, refused.length));
    }
}
