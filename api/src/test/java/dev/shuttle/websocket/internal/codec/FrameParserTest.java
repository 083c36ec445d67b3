package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/** Header parsing and every rejection rule of RFC 6455 §5, from bytes. */
class FrameParserTest {
    private static final long MIB = 1 << 20;

    private static FrameParser server() {
        return new FrameParser(true, false, MIB, false);
    }

    private static FrameParser client() {
        return new FrameParser(false, false, MIB, false);
    }

    /** Parses a header that must be rejected; the buffer (header and payload) must be untouched. */
    private static void assertRejected(FrameParser parser, String hex, int closeCode) {
        ByteBuffer buf = Hex.buffer(hex);
        WebSocketException e = assertThrows(WebSocketException.class, () -> parser.parseHeader(buf));
        assertEquals(closeCode, e.closeCode(), e.getMessage());
        assertEquals(0, buf.position(), "nothing may be consumed by a rejected header");
    }

    /** Parses a header that must be accepted, and returns the buffer positioned at the payload. */
    private static ByteBuffer assertParsed(FrameParser parser, String hex, int headerLength) throws WebSocketException {
        ByteBuffer buf = Hex.buffer(hex);
        assertTrue(parser.parseHeader(buf));
        assertEquals(headerLength, buf.position(), "header length");
        return buf;
    }

    // ---- RFC 6455 §5.7 examples ----

    @Test
    void unmaskedTextFromServer() throws Exception {
        FrameParser p = client();
        ByteBuffer buf = assertParsed(p, "81 05 48 65 6c 6c 6f", 2);
        assertTrue(p.fin());
        assertEquals(0, p.rsv());
        assertEquals(0x1, p.opcode());
        assertFalse(p.masked());
        assertEquals(0, p.maskKey());
        assertEquals(5, p.payloadLength());
        assertEquals(5, buf.remaining());
        assertFalse(p.inMessage());
    }

    @Test
    void maskedTextFromClient() throws Exception {
        FrameParser p = server();
        ByteBuffer buf = assertParsed(p, "81 85 37 fa 21 3d 7f 9f 4d 51 58", 6);
        assertTrue(p.masked());
        assertEquals(0x37fa213d, p.maskKey());
        byte[] payload = new byte[5];
        Masking.unmaskCopy(buf, payload, 0, 5, p.maskKey(), 0);
        assertEquals("Hello", new String(payload, StandardCharsets.US_ASCII));
    }

    @Test
    void fragmentedTextWithPingInTheMiddle() throws Exception {
        FrameParser p = client();
        assertParsed(p, "01 03 48 65 6c", 2);
        assertTrue(p.inMessage());
        assertEquals(0x1, p.messageOpcode());
        assertParsed(p, "89 00", 2);                 // §5.4: control frames may be interjected
        assertTrue(p.inMessage());
        assertParsed(p, "80 02 6c 6f", 2);
        assertFalse(p.inMessage());
        assertEquals(0x1, p.messageOpcode());
    }

    @Test
    void sixteenAndSixtyFourBitLengths() throws Exception {
        FrameParser p = client();
        assertParsed(p, "82 7e 01 00", 4);
        assertEquals(256, p.payloadLength());
        assertParsed(p, "82 7f 00 00 00 00 00 01 00 00", 10);
        assertEquals(65536, p.payloadLength());
    }

    @Test
    void fieldsAreBigEndianWhateverTheBufferOrder() throws Exception {
        FrameParser p = server();
        ByteBuffer buf = Hex.buffer("82 fe 01 00 01 02 03 04").order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(p.parseHeader(buf));
        assertEquals(256, p.payloadLength());
        assertEquals(0x01020304, p.maskKey());
    }

    @Test
    void acceptUnmaskedAcceptsBothOnAServer() throws Exception {
        FrameParser p = new FrameParser(true, true, MIB, false);
        assertParsed(p, "81 05 48 65 6c 6c 6f", 2);
        assertFalse(p.masked());
        assertParsed(p, "81 85 37 fa 21 3d 7f 9f 4d 51 58", 6);
        assertTrue(p.masked());
    }

    @Test
    void rsv1AcceptedOnFirstDataFrameWhenAllowed() throws Exception {
        FrameParser p = new FrameParser(false, false, MIB, true);
        assertParsed(p, "41 01 00", 2);
        assertEquals(0b100, p.rsv());
        assertParsed(p, "80 01 00", 2);
        assertEquals(0, p.rsv());
    }

    @Test
    void rsv1CanBeEnabledAfterConstruction() throws Exception {
        FrameParser p = client();
        assertRejected(p, "c1 00", CloseCode.PROTOCOL_ERROR);
        p.rsv1Allowed(true);
        assertParsed(p, "c1 00", 2);
    }

    @Test
    void limitIsInclusive() throws Exception {
        FrameParser p = new FrameParser(false, false, 100, false);
        assertParsed(p, "82 64", 2);
        assertEquals(100, p.payloadLength());
    }

    // ---- Rejections, one per rule; all at the header ----

    @Test
    void rsv1WithoutExtensionIs1002() {
        assertRejected(client(), "c1 05 48 65 6c 6c 6f", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void rsv2Is1002EvenWithAnExtension() {
        assertRejected(new FrameParser(false, false, MIB, true), "a1 05 48 65 6c 6c 6f", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void rsv3Is1002EvenWithAnExtension() {
        assertRejected(new FrameParser(false, false, MIB, true), "91 05 48 65 6c 6c 6f", CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void reservedOpcodeIs1002(int opcode) {
        assertRejected(client(), String.format("%02x 01 00", 0x80 | opcode), CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 10})
    void fragmentedControlFrameIs1002(int opcode) {
        assertRejected(client(), String.format("%02x 02 03 e8", opcode), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void controlFrameLongerThan125Is1002() {
        assertRejected(client(), "89 7e 00 7e" + "00".repeat(126), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void controlFrameOf125IsAccepted() throws Exception {
        assertParsed(client(), "8a 7d" + "00".repeat(125), 2);
    }

    @Test
    void closeFrameWithOneBytePayloadIs1002() {
        assertRejected(client(), "88 01 03", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void unmaskedFrameOnServerIs1002() {
        assertRejected(server(), "81 05 48 65 6c 6c 6f", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void maskedFrameOnClientIs1002() {
        assertRejected(client(), "81 85 37 fa 21 3d 7f 9f 4d 51 58", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void nonMinimal16BitLengthIs1002() {
        assertRejected(client(), "82 7e 00 7d" + "00".repeat(125), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void nonMinimal64BitLengthIs1002() {
        assertRejected(client(), "82 7f 00 00 00 00 00 00 ff ff" + "00".repeat(16), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void sixtyFourBitLengthWithTopBitIs1002() {
        FrameParser p = new FrameParser(false, false, Long.MAX_VALUE, false);
        assertRejected(p, "82 7f 80 00 00 00 00 00 00 00 00", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void payloadAboveLimitIs1009() {
        assertRejected(new FrameParser(false, false, 100, false), "82 65" + "00".repeat(101), CloseCode.MESSAGE_TOO_BIG);
    }

    @Test
    void hugeLengthIs1009BeforeMaskKeyOrPayloadArrive() {
        // 2^62 bytes announced: refused from the ten length bytes alone, nothing read or allocated.
        assertRejected(server(), "82 ff 40 00 00 00 00 00 00 00", CloseCode.MESSAGE_TOO_BIG);
    }

    @Test
    void continuationWithoutMessageIs1002() {
        assertRejected(client(), "80 01 00", CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"81 01 42", "82 01 42", "01 01 42", "02 01 42"})
    void dataFrameInsideFragmentedMessageIs1002(String second) throws Exception {
        FrameParser p = client();
        assertParsed(p, "01 01 41", 2);
        assertRejected(p, second, CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void rsv1OnContinuationIs1002() throws Exception {
        FrameParser p = new FrameParser(false, false, MIB, true);
        assertParsed(p, "41 01 00", 2);
        assertRejected(p, "c0 01 00", CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c8 00", "c9 00", "ca 00"})
    void rsv1OnControlFrameIs1002(String hex) {
        assertRejected(new FrameParser(false, false, MIB, true), hex, CloseCode.PROTOCOL_ERROR);
    }

    // ---- Incomplete input ----

    @ParameterizedTest
    @ValueSource(strings = {
            "81 05", "81 85 01 02 03 04", "82 7e 01 00", "82 fe 01 00 01 02 03 04",
            "82 7f 00 00 00 00 00 01 00 00", "82 ff 00 00 00 00 00 01 00 00 01 02 03 04"})
    void headerFedOneByteAtATime(String hex) throws Exception {
        byte[] header = Hex.bytes(hex);
        boolean masked = (header[1] & 0x80) != 0;
        FrameParser p = new FrameParser(masked, false, MIB, false);
        // Junk before the header and payload after it: the parser works from the position.
        ByteBuffer buf = ByteBuffer.allocate(3 + header.length + 8);
        buf.put(new byte[] {7, 7, 7}).put(header).put(new byte[8]);
        for (int limit = 3; limit < 3 + header.length; limit++) {
            buf.limit(limit).position(3);
            assertFalse(p.parseHeader(buf), "incomplete at " + (limit - 3));
            assertEquals(3, buf.position());
        }
        buf.limit(3 + header.length).position(3);
        assertTrue(p.parseHeader(buf));
        assertEquals(3 + header.length, buf.position());
        assertEquals(masked, p.masked());
        assertEquals(masked ? 0x01020304 : 0, p.maskKey());
    }

    @Test
    void badFirstTwoBytesFailBeforeTheRestArrives() {
        // A 127-length ping is wrong from its second byte; no need to wait for the length.
        assertRejected(client(), "89 7f", CloseCode.PROTOCOL_ERROR);
        assertRejected(server(), "81 05", CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void oneByteIsNeverEnoughToJudge() throws Exception {
        ByteBuffer buf = Hex.buffer("83");                 // a reserved opcode, but no second byte yet
        assertFalse(client().parseHeader(buf));
        assertEquals(0, buf.position());
    }
}
