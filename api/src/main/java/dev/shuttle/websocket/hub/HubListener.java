package dev.shuttle.websocket.hub;

import java.util.List;

import dev.shuttle.websocket.WebSocket;

/**
 * Presence events of a {@link Hub}; every method has a no-op default. The events of one room run
 * one at a time and in order (created, the joins and leaves, expired), on the thread that joined
 * or left (with {@link Hub#relay()}, the member's reader; a leave caused by the connection ending
 * runs on the thread that ended it), while that room's membership is locked: they see exactly the
 * membership they announce. Keep them short and do not block in them; writing to members is fine
 * (writes never wait for the room lock), publishing to the same room is fine too.
 */
public interface HubListener {
    /**
     * A room was created by its first member's join (before {@link #onJoin} for that member).
     *
     * @param room the new room
     */
    default void onRoomCreated(Room room) {
    }

    /**
     * A member joined.
     *
     * @param room the room it joined
     * @param member the new member
     * @param others the members that were there before it, in joining order (a snapshot)
     */
    default void onJoin(Room room, WebSocket member, List<WebSocket> others) {
    }

    /**
     * A member left.
     *
     * @param room the room it left
     * @param member the member that left
     * @param closeCode the connection's close code when it left because the connection ended
     *        (1006 when it vanished without a close frame); 0 when it left while still open
     *        ({@link Hub#leave})
     */
    default void onLeave(Room room, WebSocket member, int closeCode) {
    }

    /**
     * A room's last member left; the room is gone (a later join creates a new one).
     *
     * @param room the expired room
     */
    default void onRoomExpired(Room room) {
    }
}
