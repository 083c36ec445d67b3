package dev.shuttle.websocket.hub;

import dev.shuttle.websocket.PreparedMessage;

/**
 * Turns a published body into the message delivered at a position, so that the position can be
 * inside the message (the hub server's {@code "position": {"epoch": …, "offset": N}}). The hub
 * calls it once per message and position; what it returns is what every member receives and what
 * a history keeps, so a replay sends the same bytes. In a cluster each instance renders the body
 * the broker hands it, so it must be a pure function of its arguments, the same on every
 * instance. It runs while the room's order is held: keep it short and do not block in it.
 */
@FunctionalInterface
public interface PositionRenderer {
    /** Delivers the body unchanged (the position is then known to the store only). */
    PositionRenderer UNCHANGED = (key, position, body) -> body;

    /**
     * Renders a message.
     *
     * @param key the room's key
     * @param position the position the store gave it
     * @param body what was published
     * @return the message to deliver and keep
     */
    PreparedMessage render(String key, Position position, PreparedMessage body);
}
