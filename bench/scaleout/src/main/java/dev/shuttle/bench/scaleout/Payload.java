package dev.shuttle.bench.scaleout;

import java.nio.charset.StandardCharsets;

/**
 * The message text: the publisher's intended send time ({@code System.nanoTime}, 16 hex digits),
 * the publisher's member index (4) and its sequence number (8), then filler up to the size. Hex
 * keeps it ASCII, hence valid UTF-8 for a text frame. Every client lives in this process, so the
 * time is comparable at the receiver.
 */
final class Payload {
    /** Bytes of the header fields; the smallest --size. */
    static final int HEADER = 16 + 4 + 8;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** One decoded message; {@code publisher} is -1 for bytes that are no payload of ours. */
    record Id(long stamp, int publisher, long seq) {
    }

    private Payload() {
    }

    static byte[] encode(long stamp, int publisher, long seq, int size) {
        byte[] b = new byte[Math.max(size, HEADER)];
        put(b, 0, 16, stamp);
        put(b, 16, 4, publisher);
        put(b, 20, 8, seq);
        for (int i = HEADER; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    static Id decode(byte[] b) {
        if (b.length < HEADER) {
            return new Id(0, -1, -1);
        }
        long stamp = get(b, 0, 16);
        long publisher = get(b, 16, 4);
        long seq = get(b, 20, 8);
        if (publisher < 0 || seq < 0) {
            return new Id(0, -1, -1);
        }
        return new Id(stamp, (int) publisher, seq);
    }

    private static void put(byte[] dst, int off, int digits, long v) {
        for (int i = digits - 1; i >= 0; i--) {
            dst[off + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /** The value of {@code digits} hex digits, or -1 when one is no hex digit. */
    private static long get(byte[] b, int off, int digits) {
        long v = 0;
        for (int i = 0; i < digits; i++) {
            int c = b[off + i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
