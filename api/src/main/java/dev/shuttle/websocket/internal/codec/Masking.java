package dev.shuttle.websocket.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * XOR masking (RFC 6455 §5.3), eight bytes at a time.
 * <p>
 * Byte {@code i} of a payload is XORed with byte {@code i mod 4} of the 4-byte key, the key
 * taken in wire order. The key is passed as a big-endian {@code int}: its high byte is the
 * first key byte on the wire. Masking and unmasking are the same operation.
 * <p>
 * Speed: the body works on {@code long} views of the arrays (plain {@link VarHandle}s, no extra
 * module flags); since 8 is a multiple of 4, every 8-byte block sees the same key rotation, so
 * one 64-bit mask serves the whole body and only the last 0-7 bytes go byte by byte.
 * Stateless and thread-safe.
 */
public final class Masking {
    /** Native order: the mask word below is built to match, so no byte swap per block. */
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VarHandle ARRAY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ORDER);
    private static final VarHandle BUFFER_LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ORDER);

    private Masking() {
    }

    /**
     * Masks or unmasks {@code len} bytes of {@code buf} from {@code off} in place. {@code keyPos}
     * (0..3) is the position in the 4-byte key of the first byte (for payloads processed in
     * pieces); returns the key position after the last byte. The key is big-endian: its first
     * byte on the wire is the high byte.
     *
     * @throws IndexOutOfBoundsException if the slice is outside {@code buf}
     */
    public static int mask(byte[] buf, int off, int len, int key, int keyPos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int pos = keyPos & 3;
        int i = off;
        int end = off + len;
        if (len >= Long.BYTES) {
            long m = mask64(key, pos);
            for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
                ARRAY_LONGS.set(buf, i, (long) ARRAY_LONGS.get(buf, i) ^ m);
            }
        }
        // Whole 8-byte blocks leave the key position where it was; finish the 0-7 byte tail.
        for (; i < end; i++) {
            buf[i] = (byte) (buf[i] ^ keyByte(key, pos));
            pos = (pos + 1) & 3;
        }
        return pos;
    }

    /**
     * Copies {@code len} bytes from {@code src}'s position (advancing it) into {@code dst} while
     * unmasking; returns the next key position. Works for heap, direct and read-only buffers and
     * ignores {@code src.order()}; the copy and the XOR are one pass over the bytes.
     *
     * @throws BufferUnderflowException  if {@code src} has fewer than {@code len} bytes remaining
     * @throws IndexOutOfBoundsException if the destination slice is outside {@code dst}
     */
    public static int unmaskCopy(ByteBuffer src, byte[] dst, int dstOff, int len, int key, int keyPos) {
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        if (len > src.remaining()) {
            throw new BufferUnderflowException();
        }
        int pos = keyPos & 3;
        int s = src.position();
        int i = 0;
        if (len >= Long.BYTES) {
            long m = mask64(key, pos);
            for (int last = len - Long.BYTES; i <= last; i += Long.BYTES) {
                long v = (long) BUFFER_LONGS.get(src, s + i);
                ARRAY_LONGS.set(dst, dstOff + i, v ^ m);
            }
        }
        for (; i < len; i++) {
            dst[dstOff + i] = (byte) (src.get(s + i) ^ keyByte(key, pos));
            pos = (pos + 1) & 3;
        }
        src.position(s + len);
        return pos;
    }

    /** Key byte {@code pos} (0..3) in wire order. */
    private static int keyByte(int key, int pos) {
        return key >>> (24 - 8 * pos);
    }

    /**
     * Eight mask bytes starting at key position {@code pos}, laid out for a native-order long
     * view: rotating the key left by {@code pos} bytes puts key byte {@code pos} in the high byte,
     * the word is repeated twice, and on a little-endian machine its bytes are reversed so that
     * the lowest memory address still meets the first key byte.
     */
    static long mask64(int key, int pos) {
        int rotated = Integer.rotateLeft(key, 8 * pos);
        long wire = ((long) rotated << 32) | (rotated & 0xFFFF_FFFFL);
        return ORDER == ByteOrder.BIG_ENDIAN ? wire : Long.reverseBytes(wire);
    }
}
