package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UTF-8 validation, mirroring the Autobahn testsuite's case 6.x. Every invalid case checks the
 * exact byte at which validation fails (fed one byte at a time, and split at every position),
 * since Autobahn expects a fail-fast close, not one at the end of the message.
 */
class Utf8ValidatorTest {
    /** κόσμε, the Autobahn/Markus Kuhn sample: ce ba | e1 bd b9 | cf 83 | ce bc | ce b5. */
    private static final String KOSME = "cebae1bdb9cf83cebcceb5";

    /** Feeds one byte at a time; the index of the byte whose feed returned false, or -1. */
    private static int failIndexByteByByte(byte[] b) {
        Utf8Validator v = new Utf8Validator();
        for (int i = 0; i < b.length; i++) {
            if (!v.feed(b, i, 1)) {
                assertFalse(v.feed(b, 0, 0), "failure is sticky");
                assertFalse(v.isComplete());
                return i;
            }
        }
        return -1;
    }

    private static void assertFailsAt(String hex, int index) {
        byte[] b = Hex.bytes(hex);
        assertEquals(index, failIndexByteByByte(b), "first failing byte");
        assertFalse(Utf8Validator.isValid(b, 0, b.length));
        // Split in two at every position: the first part fails exactly when it holds the bad byte.
        for (int k = 0; k <= b.length; k++) {
            Utf8Validator v = new Utf8Validator();
            assertEquals(k <= index, v.feed(b, 0, k), "split at " + k);
            assertFalse(v.feed(b, k, b.length - k), "split at " + k);
        }
        // The prefix before the bad byte is still acceptable.
        assertTrue(new Utf8Validator().feed(b, 0, index));
    }

    private static void assertValid(byte[] b) {
        assertTrue(Utf8Validator.isValid(b, 0, b.length), () -> Hex.string(b));
        assertEquals(-1, failIndexByteByByte(b));
        for (int i = 0; i <= b.length; i++) {
            for (int j = i; j <= b.length; j++) {
                Utf8Validator v = new Utf8Validator();
                assertTrue(v.feed(b, 0, i) && v.feed(b, i, j - i) && v.feed(b, j, b.length - j), "splits " + i + "," + j);
                assertTrue(v.isComplete());
            }
        }
    }

    private static void assertValid(String hex) {
        assertValid(Hex.bytes(hex));
    }

    /** Valid so far, but a character is cut off: invalid as a whole message (Autobahn 6.6, 6.14). */
    private static void assertIncomplete(String hex) {
        byte[] b = Hex.bytes(hex);
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(b, 0, b.length));
        assertFalse(v.isComplete());
        assertFalse(Utf8Validator.isValid(b, 0, b.length));
    }

    @Test
    void case6_1_1_emptyIsValid() {
        assertValid("");
        assertTrue(new Utf8Validator().isComplete());
    }

    @Test
    void case6_2_1_validTextSplitAnywhere() {
        assertValid("Hello-µ@ßöäüàá-UTF-8!!".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void case6_3_1_invalidUtf8FailsFast() {
        // κόσμε then ED A0 80 (a UTF-16 surrogate) then "edited": fails at the A0.
        assertFailsAt(KOSME + "eda080" + "656469746564", 12);
    }

    @Test
    void case6_4_1_failFastAcrossFrames() {
        byte[][] frames = {Hex.bytes(KOSME), Hex.bytes("f4908080"), Hex.bytes("656469746564")};
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(frames[0], 0, frames[0].length));
        assertFalse(v.feed(frames[1], 0, frames[1].length), "fails in the second frame, before the third arrives");
    }

    @Test
    void case6_4_2_failFastOnSecondByteOfSplitCharacter() {
        byte[] first = Hex.bytes(KOSME + "f4");
        byte[] second = Hex.bytes("908080");
        Utf8Validator v = new Utf8Validator();
        assertTrue(v.feed(first, 0, first.length), "F4 alone may still start U+10xxxx");
        assertFalse(v.feed(second, 0, 1), "F4 90 is above U+10FFFF");
    }

    @Test
    void case6_4_3_failFastByteByByte() {
        assertFailsAt(KOSME + "f4908080" + "656469746564", 12);
    }

    @Test
    void case6_5_1_validSamples() {
        assertValid(KOSME);
        assertValid("f09d849e");               // U+1D11E, four bytes
    }

    @Test
    void case6_6_truncatedKosme() {
        for (int n = 1; n <= 11; n++) {
            String prefix = KOSME.substring(0, 2 * n);
            if (n == 2 || n == 5 || n == 7 || n == 9 || n == 11) {
                assertValid(prefix);
            } else {
                assertIncomplete(prefix);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "6.7.1, 00", "6.7.2, c280", "6.7.3, e0a080", "6.7.4, f0908080",          // first of each length
            "6.9.1, 7f", "6.9.2, dfbf", "6.9.3, efbfbf", "6.9.4, f48fbfbf",          // last of each length
            "6.11.1, ed9fbf", "6.11.2, ee8080", "6.11.3, efbfbd", "6.11.4, f48fbfbf", // other boundaries
            "6.22.1, efbfbe", "6.22.2, efbfbf", "6.22.3, f09fbfbe", "6.22.4, f09fbfbf", // noncharacters are valid
            "6.22.31, f48fbfbe", "6.22.33, efb790", "6.22.34, efb7af", "6.23.1, efbfbd",
    })
    void case6_7_to_6_23_validBoundaries(String caseId, String hex) {
        assertValid(hex);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "6.8.1, f888808080, 0", "6.8.2, fc8480808080, 0",                       // 5 and 6 byte forms
            "6.10.1, f7bfbfbf, 0", "6.10.2, fbbfbfbfbf, 0", "6.10.3, fdbfbfbfbfbf, 0",
            "6.11.5, f4908080, 1",                                                   // U+110000
            "6.12.1, 80, 0", "6.12.2, bf, 0", "6.12.3, 80bf, 0", "6.12.4, 80bf80, 0", // stray continuations
            "6.12.5, 80bf80bf, 0", "6.12.6, 80bf80bf80, 0", "6.12.7, 80bf80bf80bf, 0",
            "6.14.1, c0, 0", "6.14.2, e080, 1", "6.14.3, f08080, 1", "6.14.4, f8808080, 0",
            "6.14.5, fc80808080, 0", "6.14.8, f7bfbf, 0", "6.14.9, fbbfbfbf, 0", "6.14.10, fdbfbfbfbf, 0",
            "6.15.1, c0e080f08080f8808080fc80808080dfefbff7bfbffbbfbfbffdbfbfbfbf, 0",
            "6.16.1, fe, 0", "6.16.2, ff, 0", "6.16.3, fefeffff, 0",                 // impossible bytes
            "6.17.1, c0af, 0", "6.17.2, e080af, 1", "6.17.3, f08080af, 1",          // overlong '/'
            "6.17.4, f8808080af, 0", "6.17.5, fc80808080af, 0",
            "6.18.1, c1bf, 0", "6.18.2, e09fbf, 1", "6.18.3, f08fbfbf, 1",          // maximal overlongs
            "6.18.4, f887bfbfbf, 0", "6.18.5, fc83bfbfbfbf, 0",
            "6.19.1, c080, 0", "6.19.2, e08080, 1", "6.19.3, f0808080, 1",          // overlong NUL
            "6.19.4, f880808080, 0", "6.19.5, fc8080808080, 0",
            "6.20.1, eda080, 1", "6.20.2, edadbf, 1", "6.20.3, edae80, 1", "6.20.4, edafbf, 1", // lone surrogates
            "6.20.5, edb080, 1", "6.20.6, edbe80, 1", "6.20.7, edbfbf, 1",
            "6.21.1, eda080edb080, 1", "6.21.2, eda080edbfbf, 1", "6.21.3, edadbfedb080, 1", // paired surrogates
            "6.21.4, edadbfedbfbf, 1", "6.21.5, edae80edb080, 1", "6.21.6, edae80edbfbf, 1",
            "6.21.7, edafbfedb080, 1", "6.21.8, edafbfedbfbf, 1",
    })
    void case6_8_to_6_21_invalidFailsAtFirstBadByte(String caseId, String hex, int failIndex) {
        assertFailsAt(hex, failIndex);
    }

    @Test
    void case6_12_8_everyContinuationByteAloneFails() {
        for (int c = 0x80; c <= 0xBF; c++) {
            assertFailsAt(String.format("%02x", c), 0);
        }
    }

    @Test
    void case6_13_lonelyStartBytesFollowedBySpace() {
        for (int lead = 0xC0; lead <= 0xFF; lead++) {
            boolean neverValid = lead <= 0xC1 || lead >= 0xF5;
            assertFailsAt(String.format("%02x20", lead), neverValid ? 0 : 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"df", "efbf", "e0a0", "f09f", "f09f98", "f48fbf"})
    void case6_14_lastByteMissingIsIncomplete(String hex) {
        assertIncomplete(hex);
    }

    @Test
    void everyCodePointIsValidAndEverySurrogateFails() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                // Java's encoder writes '?' for a lone surrogate; encode it by hand (ED A0-BF xx).
                b = new byte[] {(byte) 0xED, (byte) (0x80 | (cp >> 6 & 0x3F)), (byte) (0x80 | (cp & 0x3F))};
                assertEquals(1, failIndexByteByByte(b));
            } else {
                assertTrue(Utf8Validator.isValid(b, 0, b.length), Integer.toHexString(cp));
            }
        }
    }

    @Test
    void asciiFastPathStopsAtTheRightByte() {
        for (int prefix = 0; prefix < 40; prefix++) {
            for (int off = 0; off < 9; off++) {
                byte[] b = new byte[off + prefix + 1 + 10];
                Arrays.fill(b, (byte) 'a');
                b[off + prefix] = (byte) 0xFF;
                Utf8Validator v = new Utf8Validator();
                assertTrue(v.feed(b, off, prefix), "ASCII prefix");
                assertFalse(v.feed(b, off + prefix, 1), "the bad byte itself");
                assertFalse(Utf8Validator.isValid(b, off, prefix + 1));
                assertTrue(Utf8Validator.isValid(b, off, prefix));
            }
        }
    }

    @Test
    void stateCarriesAcrossFeedsOfLongMixedText() {
        byte[] text = "ASCII run long enough for the fast path, then κόσμε 🎉 and 中文, then ASCII again......"
                .repeat(20).getBytes(StandardCharsets.UTF_8);
        Random random = new Random(3629);
        Utf8Validator v = new Utf8Validator();
        for (int off = 0; off < text.length; ) {
            int n = Math.min(random.nextInt(12), text.length - off);
            assertTrue(v.feed(text, off, n));
            off += n;
        }
        assertTrue(v.isComplete());
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(6455_8_1);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                // Mostly bytes of multi-byte sequences, where the edge cases live.
                b[i] = (byte) (random.nextInt(5) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertEquals(jdkAccepts(b), Utf8Validator.isValid(b, 0, b.length), () -> Hex.string(b));
        }
    }

    @Test
    void resetForgetsFailureAndPartialCharacter() {
        Utf8Validator v = new Utf8Validator();
        assertFalse(v.feed(Hex.bytes("ff"), 0, 1));
        v.reset();
        assertTrue(v.feed(Hex.bytes("e2"), 0, 1));
        v.reset();
        assertTrue(v.isComplete());
        assertTrue(v.feed(Hex.bytes("41"), 0, 1));
        assertTrue(v.isComplete());
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
