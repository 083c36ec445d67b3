package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/** Close payload rules of RFC 6455 §5.5.1 and §7.4, as Autobahn cases 7.x exercise them. */
class ClosePayloadTest {
    private static byte[] payload(int code, String reasonHex) {
        byte[] reason = Hex.bytes(reasonHex);
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    private static void assertRejected(byte[] payload, int closeCode) {
        WebSocketException e = assertThrows(WebSocketException.class, () -> ClosePayload.validate(payload));
        assertEquals(closeCode, e.closeCode(), e.getMessage());
    }

    @Test
    void case7_3_1_emptyPayloadIsNoStatus() throws Exception {
        assertEquals(CloseCode.NO_STATUS, ClosePayload.validate(new byte[0]));
        assertEquals(CloseCode.NO_STATUS, ClosePayload.validate(null));
        assertEquals("", ClosePayload.reason(new byte[0]));
    }

    @Test
    void case7_3_2_oneBytePayloadIs1002() {
        assertRejected(new byte[] {0x03}, CloseCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void case7_7_validCodes(int code) throws Exception {
        assertEquals(code, ClosePayload.validate(payload(code, "")));
        assertEquals(code, ClosePayload.validate(payload(code, "6f6b")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void case7_9_invalidCodesAre1002(int code) {
        assertRejected(payload(code, ""), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void case7_5_1_invalidUtf8ReasonIs1007() {
        // κόσμε with an ED A0 80 surrogate in it
        assertRejected(payload(1000, "cebae1bdb9cf83cebcceb5eda080656469746564"), CloseCode.INVALID_PAYLOAD);
        assertRejected(payload(1000, "ce"), CloseCode.INVALID_PAYLOAD);   // cut character
    }

    @Test
    void payloadLongerThan125Is1002() {
        assertRejected(payload(1000, "41".repeat(124)), CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void case7_3_4_reasonIsDecoded() throws Exception {
        byte[] p = payload(1001, "cebae1bdb9cf83cebcceb5");
        assertEquals(1001, ClosePayload.validate(p));
        assertEquals("\u03ba\u1f79\u03c3\u03bc\u03b5", ClosePayload.reason(p));   // κόσμε, ό being U+1F79
    }

    @Test
    void buildWritesCodeBigEndianAndReason() {
        assertEquals("03e8", Hex.string(ClosePayload.build(1000, "")));
        assertEquals("03e8", Hex.string(ClosePayload.build(1000, null)));
        assertEquals("0fa06279", Hex.string(ClosePayload.build(4000, "by")));
    }

    @Test
    void buildNoStatusGivesEmptyPayload() {
        assertArrayEquals(new byte[0], ClosePayload.build(CloseCode.NO_STATUS, "ignored"));
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1006, 1015, 5000})
    void buildRefusesCodesThatMayNotBeSent(int code) {
        assertThrows(IllegalArgumentException.class, () -> ClosePayload.build(code, ""));
    }

    @Test
    void buildCutsReasonTo123BytesOnACharacterBoundary() throws Exception {
        // 122 ASCII bytes then a 2-byte character that would end at byte 124: it is dropped whole.
        String reason = "a".repeat(122) + "é" + "tail";
        byte[] p = ClosePayload.build(1000, reason);
        assertEquals(2 + 122, p.length);
        assertEquals("a".repeat(122), ClosePayload.reason(p));

        for (int pad = 0; pad < 4; pad++) {
            byte[] q = ClosePayload.build(1000, "x".repeat(pad) + "🎉".repeat(40));  // 4-byte characters
            assertTrue(q.length <= 125);
            assertTrue(q.length >= 125 - 3);
            assertEquals(1000, ClosePayload.validate(q), "still valid UTF-8");
        }

        byte[] exact = ClosePayload.build(1000, "b".repeat(123));
        assertEquals(125, exact.length);
        assertEquals(123, ClosePayload.reason(exact).getBytes(StandardCharsets.UTF_8).length);
    }
}
