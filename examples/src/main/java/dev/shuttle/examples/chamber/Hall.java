package dev.shuttle.examples.chamber;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;

/**
 * The chambers under one URL prefix, at most MAX_CHAMBERS of them, keyed by the whole request
 * target ({@code path?query}, as the reference keys them). A chamber is made by its first
 * member and ends with its last.
 */
final class Hall {
    private final HallSpec spec;
    private final long maxOutbound;
    private final LongSupplier nanoTime;
    private final Consumer<String> log;
    private final Map<String, Chamber> chambers = new ConcurrentHashMap<>();
    /** Making and ending chambers, so that the count never passes MAX_CHAMBERS. Taken after a chamber's lock, never before. */
    private final ReentrantLock lock = new ReentrantLock();

    Hall(HallSpec spec, long maxOutbound, LongSupplier nanoTime, Consumer<String> log) {
        this.spec = spec;
        this.maxOutbound = maxOutbound;
        this.nanoTime = nanoTime;
        this.log = log;
    }

    HallSpec spec() {
        return spec;
    }

    long maxOutbound() {
        return maxOutbound;
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    void log(String line) {
        log.accept(line);
    }

    int chambers() {
        return chambers.size();
    }

    /**
     * Puts an upgraded connection in the chamber named {@code key}, making the chamber if need
     * be. A full chamber, or one chamber too many, closes the connection with 1013 (the
     * upgrade has happened already, as in the reference) and returns null.
     */
    Member join(String key, WebSocket connection) {
        while (true) {
            Chamber chamber = chambers.get(key);
            if (chamber == null) {
                chamber = create(key);
                if (chamber == null) {
                    closeWith(connection, CloseCode.TRY_AGAIN_LATER, "Too many chambers");
                    return null;
                }
            }
            try {
                Member member = chamber.join(connection);
                if (member != null) {
                    log("[chamber " + key + "]: Added " + EchoChamberServer.describe(connection) + " as " + member.id);
                    return member;
                }
                // It ended between the lookup and the join; the next lookup finds it gone.
            } catch (Chamber.FullException e) {
                closeWith(connection, CloseCode.TRY_AGAIN_LATER, e.getMessage());
                return null;
            }
        }
    }

    private Chamber create(String key) {
        lock.lock();
        try {
            Chamber existing = chambers.get(key);
            if (existing != null) {
                return existing;
            }
            if (chambers.size() >= spec.maxChambers()) {
                return null;
            }
            Chamber chamber = new Chamber(this, key);
            chambers.put(key, chamber);
            log("Created chamber " + key);
            return chamber;
        } finally {
            lock.unlock();
        }
    }

    /** Called by the chamber, under its lock, when its last member left. */
    void ended(Chamber chamber) {
        lock.lock();
        try {
            chambers.remove(chamber.name(), chamber);
            log("Removed chamber " + chamber.name());
        } finally {
            lock.unlock();
        }
    }

    void closeWith(WebSocket connection, int code, String reason) {
        log("Closed socket " + EchoChamberServer.describe(connection) + " with " + code + " \"" + reason + "\"");
        connection.close(code, reason);
    }
}
