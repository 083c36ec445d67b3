package dev.shuttle.websocket.internal.codec;

import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketException;

/**
 * Close frame payloads (RFC 6455 §5.5.1, §7.4): an optional 2-byte big-endian status code
 * followed by an optional UTF-8 reason, 125 bytes at most in all. Stateless and thread-safe.
 */
public final class ClosePayload {
    /** §5.5.1 + §5.5: 125 - 2 bytes of code. */
    public static final int MAX_REASON_BYTES = 123;

    private static final byte[] EMPTY = new byte[0];

    private ClosePayload() {
    }

    /**
     * Validates a received close payload: empty → 1005 (no status); 1 byte → 1002; a code that
     * may not be on the wire → 1002; a reason that is not UTF-8 → 1007. Returns the code.
     * A payload longer than 125 bytes (§5.5) is 1002 as well; {@code null} counts as empty.
     */
    public static int validate(byte[] payload) throws WebSocketException {
        if (payload == null || payload.length == 0) {
            return CloseCode.NO_STATUS;
        }
        if (payload.length == 1) {
            throw new WebSocketException(CloseCode.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        if (payload.length > FrameEncoder.MAX_CONTROL_PAYLOAD) {
            throw new WebSocketException(CloseCode.PROTOCOL_ERROR, "close frame payload longer than 125 bytes");
        }
        int code = code(payload);
        if (!CloseCode.isValidOnWire(code)) {
            throw new WebSocketException(CloseCode.PROTOCOL_ERROR, "close code " + code + " may not be sent (RFC 6455 §7.4)");
        }
        // §5.5.1: the reason is UTF-8; §8.1 makes invalid text a 1007.
        if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "close reason is not valid UTF-8");
        }
        return code;
    }

    /** The reason of a valid payload, or "". */
    public static String reason(byte[] payload) {
        if (payload == null || payload.length <= 2) {
            return "";
        }
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    /**
     * Payload for a close frame; the reason is cut to 123 bytes of UTF-8 on a character boundary.
     * NO_STATUS (1005) gives an empty payload (and drops the reason: §5.5.1 allows a reason only
     * after a code). A {@code null} reason counts as empty.
     *
     * @throws IllegalArgumentException for a code other than 1005 that may not be sent
     *                                  ({@link CloseCode#isValidOnWire}), since the peer would
     *                                  fail the connection with 1002 on it
     */
    public static byte[] build(int code, String reason) {
        if (code == CloseCode.NO_STATUS) {
            return EMPTY;
        }
        if (!CloseCode.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (RFC 6455 §7.4)");
        }
        // getBytes replaces unpaired surrogates, so the result is always valid UTF-8.
        byte[] text = reason == null ? EMPTY : reason.getBytes(StandardCharsets.UTF_8);
        int n = text.length;
        if (n > MAX_REASON_BYTES) {
            n = MAX_REASON_BYTES;
            // Back up while text[n] is a continuation byte: then n is the start of the character cut in two.
            while (n > 0 && (text[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, n);
        return payload;
    }

    private static int code(byte[] payload) {
        return (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    }
}
