package dev.shuttle.websocket.hub;

import dev.shuttle.websocket.WebSocket;

/**
 * Told how a member's recovery went (see {@link Hub#join(String, WebSocket, Position)}); every
 * method has a no-op default. Both run on the joining thread, after the member is in the room and
 * before any live message is queued to it: what {@link #onRecoveryFailed} writes to the member
 * (the hub server's {@code {"method":"recovery.failed",…}}) is the first thing it receives.
 */
public interface RecoveryListener {
    /**
     * The history could not continue from the member's position: nothing was replayed, and live
     * messages follow what this method writes.
     *
     * @param room the room joined
     * @param member the member
     * @param gap why, and the room's position now
     */
    default void onRecoveryFailed(Room room, WebSocket member, HistoryRead.Gap gap) {
    }

    /**
     * The missed messages were queued to the member; live messages follow them.
     *
     * @param room the room joined
     * @param member the member
     * @param since the member's position
     * @param replayed how many messages were queued from the history
     */
    default void onRecovered(Room room, WebSocket member, Position since, long replayed) {
    }
}
