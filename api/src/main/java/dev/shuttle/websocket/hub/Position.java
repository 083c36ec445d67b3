package dev.shuttle.websocket.hub;

import java.util.Objects;

/**
 * Where a message stands in its room's history: an epoch and an offset. Offsets of a room
 * increase by one per message within an epoch, starting at 1; offset 0 stands before the first
 * message. The epoch changes when the history was lost (an in-memory history on an instance
 * restart, a room whose history was dropped and begun again), so a position of another epoch
 * cannot be continued from. Its text form, used by the {@code since} query parameter and the
 * {@code Shuttle-Since} header, is {@code EPOCH:OFFSET}.
 *
 * @param epoch 1 to {@value #MAX_EPOCH_LENGTH} characters of {@code A-Z a-z 0-9 . _ -}
 * @param offset at least 0
 */
public record Position(String epoch, long offset) {
    /** The longest epoch accepted, so that a peer's {@code since} stays small. */
    public static final int MAX_EPOCH_LENGTH = 64;

    /**
     * Checks the parts.
     *
     * @param epoch the epoch
     * @param offset the offset
     * @throws IllegalArgumentException when the epoch is empty, too long or has another character,
     *         or the offset is negative
     */
    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            throw new IllegalArgumentException("epoch must have 1 to " + MAX_EPOCH_LENGTH + " characters");
        }
        for (int i = 0; i < epoch.length(); i++) {
            if (!isEpochChar(epoch.charAt(i))) {
                throw new IllegalArgumentException("epoch may only have A-Z a-z 0-9 . _ -");
            }
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    /**
     * Reads {@code EPOCH:OFFSET} (what {@link #toString()} writes), e.g. from a peer's
     * {@code since}; the text is checked before anything is allocated for it.
     *
     * @param text the text form
     * @return the position
     * @throws IllegalArgumentException when it is not of that form
     */
    public static Position parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        // 19 digits: every long offset, and no more.
        if (colon < 1 || colon > MAX_EPOCH_LENGTH || text.length() - colon - 1 < 1 || text.length() - colon - 1 > 19) {
            throw new IllegalArgumentException("a position is EPOCH:OFFSET");
        }
        long offset = 0;
        for (int i = colon + 1; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new IllegalArgumentException("a position's offset is a decimal number");
            }
            offset = offset * 10 + (ch - '0');
            if (offset < 0) {
                throw new IllegalArgumentException("a position's offset is too large");
            }
        }
        return new Position(text.substring(0, colon), offset);
    }

    /**
     * The position of the next message in the same epoch.
     *
     * @return this epoch, this offset plus one
     */
    public Position next() {
        return new Position(epoch, offset + 1);
    }

    private static boolean isEpochChar(char ch) {
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
                || ch == '.' || ch == '_' || ch == '-';
    }

    /** {@return {@code EPOCH:OFFSET}} */
    @Override
    public String toString() {
        return epoch + ":" + offset;
    }
}
