package dev.shuttle.websocket.hub;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.WebSocket;

/**
 * A named group of connections in a {@link Hub}. Joining and leaving go through the hub; a room
 * exists from its first member's join until its last member leaves, and a later join under the
 * same key makes a new {@code Room} (with fresh counters and no attachment).
 * <p>
 * Members are kept in a copy-on-write array: a publish reads it without a lock, so delivering
 * never waits for a join or a leave, and a join or leave costs a copy of the array (fine for
 * rooms of thousands that change membership far less often than they publish).
 */
public final class Room {
    private static final WebSocket[] NONE = new WebSocket[0];

    private final String key;
    /**
     * Guards membership changes and the listeners' join and leave events. A lock, not a monitor:
     * listeners may block, and a virtual thread blocked inside a monitor pins its carrier on JDK 21.
     */
    final ReentrantLock lock = new ReentrantLock();
    /** Written under this room's lock only; read by publishers without one. */
    private volatile WebSocket[] members = NONE;
    /** Guarded by this room's lock. */
    private boolean announced;
    private volatile boolean expired;
    private volatile Object attachment;
    /**
     * Members whose replay is running (see {@link Recovery}), by identity: a copy written under
     * this room's lock and never changed after, so a delivery looks a member up in O(1) even
     * when a whole room reconnects at once.
     */
    volatile Map<WebSocket, Recovery> recovering = Map.of();

    final LongAdder messages = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder closedSlow = new LongAdder();
    final LongAdder sendersClosed = new LongAdder();

    Room(String key) {
        this.key = key;
    }

    /** {@return the room's key (by default the request path and query of its members)} */
    public String key() {
        return key;
    }

    /** {@return the number of members now} */
    public int size() {
        return members.length;
    }

    /** {@return the members now, in joining order: a read-only snapshot} */
    public List<WebSocket> members() {
        return List.of(members);
    }

    /**
     * Whether {@code connection} is a member now.
     *
     * @param connection the connection
     * @return whether it is a member
     */
    public boolean contains(WebSocket connection) {
        for (WebSocket m : members) {
            if (m == connection) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether the room's last member left: the hub no longer holds it} */
    public boolean isExpired() {
        return expired;
    }

    /** {@return the counters since the room was created} */
    public RoomStats stats() {
        return new RoomStats(members.length, messages.sum(), deliveries.sum(), bytes.sum(), dropped.sum(),
                closedSlow.sum(), sendersClosed.sum());
    }

    /** {@return what the application attached to this room (e.g. an ID counter), or {@code null}} */
    public Object attachment() {
        return attachment;
    }

    /**
     * Attaches application state to this room, for as long as it lives.
     *
     * @param value the state, or {@code null}
     */
    public void attachment(Object value) {
        attachment = value;
    }

    @Override
    public String toString() {
        return "Room[" + key + ", " + members.length + " members]";
    }

    // ---------------------------------------------------------------- under this room's lock

    WebSocket[] snapshot() {
        return members;
    }

    /** The first one to lock a new room announces it: its creation comes before every join. */
    boolean announce() {
        boolean first = !announced;
        announced = true;
        return first;
    }

    void add(WebSocket member) {
        WebSocket[] now = members;
        WebSocket[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = member;
        members = next;
    }

    boolean remove(WebSocket member) {
        WebSocket[] now = members;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == member) {
                WebSocket[] next = new WebSocket[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                members = next;
                return true;
            }
        }
        return false;
    }

    void addRecovering(Recovery r) {
        Map<WebSocket, Recovery> next = new IdentityHashMap<>(recovering);
        next.put(r.member, r);
        recovering = next;
    }

    /** Takes the member's Recovery out; only if it is {@code which}, unless that is null. */
    void removeRecovering(WebSocket member, Recovery which) {
        Map<WebSocket, Recovery> now = recovering;
        Recovery r = now.get(member);
        if (r != null && (which == null || r == which)) {
            if (now.size() == 1) {
                recovering = Map.of();
            } else {
                Map<WebSocket, Recovery> next = new IdentityHashMap<>(now);
                next.remove(member);
                recovering = next;
            }
        }
    }

    void expire() {
        expired = true;
    }
}
