package dev.shuttle.websocket.internal.deflate;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/**
 * The inflating half of the permessage-deflate codec (RFC 7692 §7.2.2): one message inflated
 * frame by frame into a growing array, with the size limit enforced as it grows.
 * <p>
 * The limit is the defence against a "zip bomb" (a small compressed frame that inflates to
 * gigabytes, §8.1 of RFC 7692 warns about it): output never gets more room than
 * {@code limit + 1} bytes, and the byte past the limit fails the message with 1009 before any
 * further allocation. Not thread-safe: owned by the connection's reader.
 */
public final class Inflation {
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final int MIN_CAPACITY = 256;

    private final long limit;
    private byte[] buf;
    private int length;

    /** @param limit the largest inflated message, {@code Options.maxMessageSize} */
    public Inflation(long limit) {
        this.limit = Math.min(limit, MAX_ARRAY - 1);
    }

    /** Inflates the compressed bytes of one frame and appends them to the message (§7.2.2, "as frames arrive"). */
    public void inflate(Inflater inflater, byte[] in, int off, int len) throws WebSocketException {
        if (len == 0) {
            return;
        }
        inflater.setInput(in, off, len);
        drain(inflater, len);
    }

    /**
     * The message's last frame was inflated: append the {@code 00 00 ff ff} the sender removed
     * (§7.2.2) so the inflater outputs everything up to the sync point.
     */
    public void finish(Inflater inflater) throws WebSocketException {
        if (inflater.finished()) {
            return; // the sender ended its stream with a BFINAL block (§7.2.3.3): nothing is pending
        }
        inflater.setInput(DeflateCodec.TAIL);
        drain(inflater, DeflateCodec.TAIL.length);
    }

    private void drain(Inflater inflater, int inputLength) throws WebSocketException {
        try {
            while (!inflater.finished()) {
                if (buf == null || length == buf.length) {
                    grow(inputLength);
                }
                int n = inflater.inflate(buf, length, buf.length - length);
                length += n;
                if (length > limit) {
                    throw new WebSocketException(CloseCode.MESSAGE_TOO_BIG,
                            "inflated message larger than " + limit + " bytes");
                }
                if (n == 0) {
                    if (inflater.needsDictionary()) {
                        throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "compressed data asks for a preset dictionary");
                    }
                    if (inflater.needsInput() || length < buf.length) {
                        return; // all input consumed (or nothing more to output from it)
                    }
                }
            }
        } catch (DataFormatException e) {
            // RFC 7692 §6.2 leaves the code open; the message's data is not what its type says: 1007.
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "invalid compressed data: " + e.getMessage(), e);
        }
    }

    /** Doubles the array (first guess: four times the compressed input), never past limit + 1. */
    private void grow(int inputLength) {
        long cap = limit + 1;
        long wanted = buf == null ? Math.max(MIN_CAPACITY, 4L * inputLength) : 2L * buf.length;
        int size = (int) Math.min(wanted, cap);
        buf = buf == null ? new byte[size] : Arrays.copyOf(buf, size);
    }

    /** The inflated bytes so far are {@code buffer()[0 .. length())}. */
    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    /** The whole inflated message as an exactly-sized array; the buffer is dropped (idle connections keep none). */
    public byte[] take() {
        byte[] m = buf == null ? new byte[0] : buf.length == length ? buf : Arrays.copyOf(buf, length);
        buf = null;
        length = 0;
        return m;
    }

    /** Forgets a message in progress (the connection is failing). */
    public void clear() {
        buf = null;
        length = 0;
    }
}
