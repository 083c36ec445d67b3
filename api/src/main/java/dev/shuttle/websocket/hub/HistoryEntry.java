package dev.shuttle.websocket.hub;

import java.util.Objects;

import dev.shuttle.websocket.PreparedMessage;

/**
 * One message of a room's history, as it was delivered: the rendered message (see
 * {@link PositionRenderer}) and its position. A replay queues this same {@code message} object
 * to the recovering member, so a replay costs queue entries, not copies.
 *
 * @param position where it stands in the room
 * @param message the message as delivered
 */
public record HistoryEntry(Position position, PreparedMessage message) {
    /**
     * Checks the parts.
     *
     * @param position the position
     * @param message the message
     */
    public HistoryEntry {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
    }
}
