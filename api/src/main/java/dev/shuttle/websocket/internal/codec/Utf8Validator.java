package dev.shuttle.websocket.internal.codec;

/** Incremental UTF-8 validation (RFC 3629) that fails at the first bad byte. STUB: contract only. */
public final class Utf8Validator {
    /** Feeds bytes; returns false as soon as the input so far cannot be valid UTF-8 (including later bytes). */
    public boolean feed(byte[] b, int off, int len) {
        throw new UnsupportedOperationException("stub");
    }

    /** True when the bytes fed so far end on a character boundary (no partial sequence pending). */
    public boolean isComplete() {
        throw new UnsupportedOperationException("stub");
    }

    public void reset() {
        throw new UnsupportedOperationException("stub");
    }

    /** Validates a whole array slice. */
    public static boolean isValid(byte[] b, int off, int len) {
        throw new UnsupportedOperationException("stub");
    }
}
