package dev.shuttle.websocket.hub;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;

/**
 * A member between its join and the end of its replay. Live messages of its room that reach it
 * meanwhile wait here; the switch to live takes them under {@link #lock}, as does every live
 * delivery, so nothing is written to it twice, out of order, or lost at the switch.
 * <p>
 * The wait is bounded: beyond {@code limit} messages the buffer is emptied and only marked
 * {@link #overflowed}; those messages are in the history, and the replay reads them again.
 */
final class Recovery {
    static final Recovery[] NONE = new Recovery[0];

    final WebSocket member;
    final ReentrantLock lock = new ReentrantLock();
    private final int limit;
    /** Guarded by lock. */
    final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
    /** Guarded by lock. */
    boolean overflowed;
    /** Guarded by lock: the replay is done, deliveries go straight to the member. */
    boolean live;

    record Buffered(Position position, PreparedMessage message, WebSocket sender) {
    }

    Recovery(WebSocket member, int limit) {
        this.member = member;
        this.limit = limit;
    }

    /** Under lock, before live: keeps a live message for the switch. */
    void keep(Position position, PreparedMessage message, WebSocket sender) {
        if (overflowed) {
            return;
        }
        if (buffer.size() >= limit) {
            buffer.clear();
            overflowed = true;
            return;
        }
        buffer.add(new Buffered(position, message, sender));
    }

    static Recovery find(Recovery[] recovering, WebSocket member) {
        for (Recovery r : recovering) {
            if (r.member == member) {
                return r;
            }
        }
        return null;
    }
}
