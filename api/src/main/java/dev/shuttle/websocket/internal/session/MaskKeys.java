package dev.shuttle.websocket.internal.session;

import java.security.SecureRandom;

/**
 * Masking keys for client frames (RFC 6455 §5.3: unpredictable, from a strong source). One
 * {@link SecureRandom} call fills 64 keys at a time instead of one call per frame: every key is
 * still SecureRandom output, only fetched in bulk, so it is as unpredictable as the source.
 * Used by the connection's current drainer only (one at a time), so it needs no synchronisation.
 */
final class MaskKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BATCH = 64;

    private final byte[] keys = new byte[BATCH * 4];
    private int next = BATCH;

    int next() {
        if (next == BATCH) {
            RANDOM.nextBytes(keys);
            next = 0;
        }
        int i = 4 * next++;
        return (keys[i] & 0xFF) << 24 | (keys[i + 1] & 0xFF) << 16 | (keys[i + 2] & 0xFF) << 8 | (keys[i + 3] & 0xFF);
    }
}
