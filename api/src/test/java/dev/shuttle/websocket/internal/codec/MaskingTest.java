package dev.shuttle.websocket.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Masking against a naive byte-by-byte reference (RFC 6455 §5.3). */
class MaskingTest {
    /** §5.3 literally: octet i is XORed with octet i MOD 4 of the key (wire order). */
    private static int naive(byte[] buf, int off, int len, int key, int keyPos) {
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        for (int i = 0; i < len; i++) {
            buf[off + i] ^= k[(keyPos + i) % 4];
        }
        return (keyPos + len) % 4;
    }

    @Test
    void rfcExample() {
        byte[] b = Hex.bytes("48 65 6c 6c 6f");
        assertEquals(1, Masking.mask(b, 0, 5, 0x37fa213d, 0));
        assertEquals("7f9f4d5158", Hex.string(b));
    }

    @Test
    void maskEqualsNaiveForRandomSlices() {
        Random random = new Random(6455);
        for (int round = 0; round < 3000; round++) {
            int len = random.nextInt(301);
            int off = random.nextInt(17);
            byte[] data = new byte[off + len + random.nextInt(9)];
            random.nextBytes(data);
            int key = random.nextInt();
            int keyPos = random.nextInt(4);
            byte[] expected = data.clone();
            int expectedPos = naive(expected, off, len, key, keyPos);
            assertEquals(expectedPos, Masking.mask(data, off, len, key, keyPos), "key position");
            assertArrayEquals(expected, data, () -> "len=" + len + " off=" + off + " keyPos=" + keyPos);
        }
    }

    @Test
    void maskingInPiecesEqualsMaskingAtOnce() {
        Random random = new Random(42);
        byte[] data = new byte[1000];
        random.nextBytes(data);
        byte[] whole = data.clone();
        Masking.mask(whole, 0, whole.length, 0x12345678, 0);
        int pos = 0;
        for (int off = 0; off < data.length; ) {
            int n = Math.min(random.nextInt(40), data.length - off);
            pos = Masking.mask(data, off, n, 0x12345678, pos);
            off += n;
        }
        assertArrayEquals(whole, data);
    }

    @Test
    void maskTwiceIsIdentity() {
        byte[] data = new byte[77];
        new Random(1).nextBytes(data);
        byte[] copy = data.clone();
        Masking.mask(data, 3, 70, 0xdeadbeef, 2);
        Masking.mask(data, 3, 70, 0xdeadbeef, 2);
        assertArrayEquals(copy, data);
    }

    @Test
    void unmaskCopyEqualsNaiveForEveryKindOfBuffer() {
        Random random = new Random(7692);
        for (int round = 0; round < 2000; round++) {
            int len = random.nextInt(301);
            int srcPos = random.nextInt(13);
            byte[] wire = new byte[srcPos + len + random.nextInt(5)];
            random.nextBytes(wire);
            int key = random.nextInt();
            int keyPos = random.nextInt(4);
            byte[] expected = Arrays.copyOfRange(wire, srcPos, srcPos + len);
            int expectedPos = naive(expected, 0, len, key, keyPos);

            for (ByteBuffer src : buffers(wire, round)) {
                src.position(srcPos);
                int dstOff = random.nextInt(9);
                byte[] dst = new byte[dstOff + len + 3];
                assertEquals(expectedPos, Masking.unmaskCopy(src, dst, dstOff, len, key, keyPos));
                assertEquals(srcPos + len, src.position(), "source advanced by len");
                assertArrayEquals(expected, Arrays.copyOfRange(dst, dstOff, dstOff + len));
                assertEquals(0, dst[dstOff + len], "nothing written past the slice");
            }
        }
    }

    /** The same bytes as heap, read-only, little-endian, direct and sliced (non-zero array offset) buffers. */
    private static ByteBuffer[] buffers(byte[] wire, int round) {
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        byte[] padded = new byte[wire.length + 3];
        System.arraycopy(wire, 0, padded, 3, wire.length);
        ByteBuffer sliced = ByteBuffer.wrap(padded).position(3).slice();
        return new ByteBuffer[] {
                ByteBuffer.wrap(wire),
                ByteBuffer.wrap(wire).asReadOnlyBuffer(),
                ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN),
                direct,
                direct.duplicate().order(round % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN),
                sliced,
        };
    }

    @Test
    void boundsAreChecked() {
        assertThrows(IndexOutOfBoundsException.class, () -> Masking.mask(new byte[4], 2, 3, 1, 0));
        assertThrows(BufferUnderflowException.class,
                () -> Masking.unmaskCopy(ByteBuffer.allocate(2), new byte[4], 0, 3, 1, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Masking.unmaskCopy(ByteBuffer.allocate(8), new byte[4], 2, 3, 1, 0));
    }
}
