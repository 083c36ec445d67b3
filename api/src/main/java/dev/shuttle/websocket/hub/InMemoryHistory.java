package dev.shuttle.websocket.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;

/**
 * {@link HistoryStore#inMemory}: one ring of rendered messages per room, sequenced and delivered
 * under that room's lock. Age is enforced lazily, on each append and read of the room, so no
 * timer thread is needed: the count limit bounds memory, the age limit bounds what is replayed.
 */
final class InMemoryHistory implements HistoryStore {
    private final int maxCount;
    private final long maxAgeNanos;
    private final int maxRooms;
    private final LongSupplier nanoClock;
    /** Random per store: a restarted instance cannot continue another run's offsets. */
    private final String storeEpoch = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final AtomicLong generations = new AtomicLong();
    /** Least recently published first; guarded by mapLock, which is held for map work only. */
    private final LinkedHashMap<String, RoomHistory> histories = new LinkedHashMap<>(16, 0.75f, true);
    private final ReentrantLock mapLock = new ReentrantLock();
    private volatile Hub hub;

    InMemoryHistory(int maxCount, Duration maxAge, int maxRooms, LongSupplier nanoClock) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be at least 1: " + maxCount);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
        }
        if (maxRooms < 1) {
            throw new IllegalArgumentException("maxRooms must be at least 1: " + maxRooms);
        }
        this.maxCount = maxCount;
        this.maxAgeNanos = saturatedNanos(maxAge);
        this.maxRooms = maxRooms;
        this.nanoClock = nanoClock;
    }

    @Override
    public void attach(Hub hub) {
        Objects.requireNonNull(hub, "hub");
        synchronized (this) {
            if (this.hub != null) {
                throw new IllegalStateException("an in-memory history serves one hub");
            }
            this.hub = hub;
        }
    }

    @Override
    public void append(String key, PreparedMessage body, WebSocket sender) {
        Hub h = hub;
        if (h == null) {
            throw new IllegalStateException("not attached to a hub");
        }
        while (true) {
            RoomHistory room = history(key, true);
            room.lock.lock();
            try {
                if (room.dropped) {
                    continue; // evicted between the lookup and the lock: a new history takes over
                }
                long now = nanoClock.getAsLong();
                room.prune(now);
                Position position = new Position(room.epoch, room.last + 1);
                PreparedMessage message = h.render(key, position, body);
                room.last = position.offset(); // only once rendering worked: offsets stay consecutive
                room.add(new HistoryEntry(position, message), now);
                h.deliverAt(key, position, message, sender);
                return;
            } finally {
                room.lock.unlock();
            }
        }
    }

    @Override
    public HistoryRead read(String key, Position after, int max) {
        Objects.requireNonNull(after, "after");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        RoomHistory room = history(key, false);
        if (room == null) {
            return new HistoryRead.Gap(HistoryRead.Reason.EPOCH_CHANGED, after, null);
        }
        room.lock.lock();
        try {
            room.prune(nanoClock.getAsLong());
            Position current = new Position(room.epoch, room.last);
            if (!room.epoch.equals(after.epoch())) {
                return new HistoryRead.Gap(HistoryRead.Reason.EPOCH_CHANGED, after, current);
            }
            if (after.offset() > room.last) {
                return new HistoryRead.Gap(HistoryRead.Reason.UNKNOWN_POSITION, after, current);
            }
            long oldest = room.last - room.size + 1; // the offset of the oldest kept entry
            if (after.offset() < oldest - 1) {
                return new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, after, current);
            }
            int from = (int) (after.offset() + 1 - oldest);
            int n = Math.min(max, room.size - from);
            List<HistoryEntry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(room.get(from + i));
            }
            return new HistoryRead.Entries(out);
        } finally {
            room.lock.unlock();
        }
    }

    @Override
    public Position head(String key) {
        RoomHistory room = history(key, true);
        room.lock.lock();
        try {
            return new Position(room.epoch, room.last);
        } finally {
            room.lock.unlock();
        }
    }

    /** {@return the rooms whose history is kept now} */
    int roomCount() {
        mapLock.lock();
        try {
            return histories.size();
        } finally {
            mapLock.unlock();
        }
    }

    private RoomHistory history(String key, boolean create) {
        mapLock.lock();
        try {
            RoomHistory room = histories.get(key);
            if (room == null && create) {
                evictIfFull();
                room = new RoomHistory(storeEpoch + "-" + Long.toString(generations.incrementAndGet(), 36));
                histories.put(key, room);
            }
            return room;
        } finally {
            mapLock.unlock();
        }
    }

    /**
     * Under mapLock. Drops the least recently published history whose lock is free: one being
     * delivered right now is skipped, so that its room never has two histories delivering at once.
     */
    private void evictIfFull() {
        if (histories.size() < maxRooms) {
            return;
        }
        for (Iterator<RoomHistory> it = histories.values().iterator(); it.hasNext(); ) {
            RoomHistory room = it.next();
            if (room.lock.tryLock()) {
                try {
                    room.dropped = true;
                    it.remove();
                    return;
                } finally {
                    room.lock.unlock();
                }
            }
        }
        // Every one is busy (more publishers than rooms kept): go over by one for now.
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** One room's ring of entries; every field is guarded by lock. */
    private final class RoomHistory {
        final String epoch;
        final ReentrantLock lock = new ReentrantLock();
        boolean dropped;
        long last;
        /** Grows by doubling up to maxCount, so a quiet room holds little. */
        HistoryEntry[] entries = new HistoryEntry[Math.min(maxCount, 16)];
        long[] times = new long[entries.length];
        int first;
        int size;

        RoomHistory(String epoch) {
            this.epoch = epoch;
        }

        HistoryEntry get(int i) {
            return entries[(first + i) % entries.length];
        }

        void add(HistoryEntry entry, long now) {
            if (size == maxCount) {
                removeOldest();
            } else if (size == entries.length) {
                grow();
            }
            int at = (first + size) % entries.length;
            entries[at] = entry;
            times[at] = now;
            size++;
        }

        void prune(long now) {
            while (size > 0 && now - times[first] > maxAgeNanos) {
                removeOldest();
            }
        }

        private void removeOldest() {
            entries[first] = null;
            first = (first + 1) % entries.length;
            size--;
        }

        private void grow() {
            int capacity = (int) Math.min(maxCount, entries.length * 2L);
            HistoryEntry[] e = new HistoryEntry[capacity];
            long[] t = new long[capacity];
            for (int i = 0; i < size; i++) {
                e[i] = entries[(first + i) % entries.length];
                t[i] = times[(first + i) % entries.length];
            }
            entries = e;
            times = t;
            first = 0;
        }
    }
}
