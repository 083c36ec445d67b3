package dev.shuttle.websocket.internal.codec;

import dev.shuttle.websocket.WebSocketException;

/** Close frame payloads (RFC 6455 §5.5.1, §7.4). STUB: contract only. */
public final class ClosePayload {
    /** §5.5.1 + §5.5: 125 - 2 bytes of code. */
    public static final int MAX_REASON_BYTES = 123;

    private ClosePayload() {
    }

    /**
     * Validates a received close payload: empty → 1005 (no status); 1 byte → 1002; a code that
     * may not be on the wire → 1002; a reason that is not UTF-8 → 1007. Returns the code.
     */
    public static int validate(byte[] payload) throws WebSocketException {
        throw new UnsupportedOperationException("stub");
    }

    /** The reason of a valid payload, or "". */
    public static String reason(byte[] payload) {
        throw new UnsupportedOperationException("stub");
    }

    /** Payload for a close frame; the reason is cut to 123 bytes of UTF-8 on a character boundary. NO_STATUS (1005) gives an empty payload. */
    public static byte[] build(int code, String reason) {
        throw new UnsupportedOperationException("stub");
    }
}
