package dev.shuttle.websocket.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Incremental UTF-8 validation (RFC 3629 §4) that fails at the first bad byte.
 * <p>
 * RFC 6455 §8.1 says a text message that is not UTF-8 fails the connection (1007), and
 * Autobahn 6.4.x expects that to happen as soon as the first byte that makes the message
 * invalid arrives, even mid-frame. So this validator keeps the partial sequence across
 * {@link #feed} calls (a character may span frames) and reports failure at the earliest byte:
 * <ul>
 *   <li>a continuation byte (80-BF) where a lead byte is expected, or C0, C1, F5-FF anywhere
 *       (C0/C1 can only start overlong 2-byte forms, F5+ would exceed U+10FFFF);</li>
 *   <li>a second byte outside the range that the lead byte allows: E0 needs A0-BF (no overlong
 *       3-byte forms), ED needs 80-9F (no UTF-16 surrogates D800-DFFF), F0 needs 90-BF (no
 *       overlong 4-byte forms), F4 needs 80-8F (nothing above U+10FFFF); any other lead 80-BF;</li>
 *   <li>a later byte that is not a continuation byte.</li>
 * </ul>
 * Not thread-safe: one instance per message direction, owned by the reading thread.
 */
public final class Utf8Validator {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** The high bit of each of eight bytes: a long with none of them set is eight ASCII bytes. */
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    /** Continuation bytes still expected for the current character (0..3). */
    private int pending;
    /** Inclusive range allowed for the next continuation byte; narrower only right after a lead byte. */
    private int low = 0x80;
    private int high = 0xBF;
    /** Sticky: once the input is invalid, no later bytes can make it valid. */
    private boolean failed;

    /**
     * Feeds bytes; returns false as soon as the input so far cannot be valid UTF-8 (including
     * later bytes). After a false every call returns false until {@link #reset()}.
     */
    public boolean feed(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failed) {
            return false;
        }
        int pending = this.pending;
        int low = this.low;
        int high = this.high;
        int i = off;
        int end = off + len;
        while (i < end) {
            if (pending == 0) {
                // Between characters: skip ASCII eight bytes at a time, the common case for text.
                while (end - i >= Long.BYTES && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                    i += Long.BYTES;
                }
                if (i == end) {
                    break;
                }
                int c = b[i++] & 0xFF;
                if (c < 0x80) {
                    continue;
                }
                if (c < 0xC2) {            // 80-BF: stray continuation; C0, C1: overlong
                    return fail();
                } else if (c < 0xE0) {     // C2-DF: 2 bytes, U+0080..U+07FF
                    pending = 1;
                } else if (c < 0xF0) {     // E0-EF: 3 bytes, U+0800..U+FFFF minus surrogates
                    pending = 2;
                    low = c == 0xE0 ? 0xA0 : 0x80;
                    high = c == 0xED ? 0x9F : 0xBF;
                } else if (c < 0xF5) {     // F0-F4: 4 bytes, U+10000..U+10FFFF
                    pending = 3;
                    low = c == 0xF0 ? 0x90 : 0x80;
                    high = c == 0xF4 ? 0x8F : 0xBF;
                } else {                   // F5-FF: beyond U+10FFFF or never valid
                    return fail();
                }
            } else {
                int c = b[i++] & 0xFF;
                if (c < low || c > high) {
                    return fail();
                }
                pending--;
                low = 0x80;
                high = 0xBF;
            }
        }
        this.pending = pending;
        this.low = low;
        this.high = high;
        return true;
    }

    /** True when the bytes fed so far are valid and end on a character boundary (no partial sequence pending). */
    public boolean isComplete() {
        return !failed && pending == 0;
    }

    /** Forgets everything fed so far, for the next message. */
    public void reset() {
        pending = 0;
        low = 0x80;
        high = 0xBF;
        failed = false;
    }

    /** Validates a whole array slice: valid UTF-8 that ends on a character boundary. */
    public static boolean isValid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(b, off, len) && v.pending == 0;
    }

    private boolean fail() {
        failed = true;
        return false;
    }
}
