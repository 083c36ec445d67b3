package dev.shuttle.websocket.hub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.internal.session.Connection;

/**
 * One connection's rooms in one hub, and the close listener that takes it out of all of them
 * when the connection ends. Joins and leaves of the connection lock it (then the room: always in
 * that order), so a leave caused by the connection ending cannot miss a join in progress.
 */
final class Membership implements Connection.CloseListener {
    final Hub hub;
    final WebSocket connection;
    /** The keys of the rooms it is in; guarded by {@link #lock}. */
    /**
     * Guards joining and leaving. A lock, not a monitor: listeners run under it and may block,
     * and a virtual thread blocked inside a monitor pins its carrier on JDK 21.
     */
    final ReentrantLock lock = new ReentrantLock();
    final Set<String> keys = ConcurrentHashMap.newKeySet(2);
    /** Guarded by {@link #lock}: the close listener is registered. */
    boolean listening;
    /** Guarded by {@link #lock}: removed from the hub; a join must make a new one. */
    boolean dead;
    /**
     * BACKPRESSURE_WITH_ERRORS only: who published to this member since its queue was last seen
     * empty, i.e. whose messages it may lose if it vanishes now. Null under other policies.
     */
    final Set<WebSocket> recentSenders;

    Membership(Hub hub, WebSocket connection, boolean trackSenders) {
        this.hub = hub;
        this.connection = connection;
        this.recentSenders = trackSenders ? ConcurrentHashMap.newKeySet() : null;
    }

    @Override
    public void closed(Connection c, int code) {
        hub.ended(this, code);
    }
}
