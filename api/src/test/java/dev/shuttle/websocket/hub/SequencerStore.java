package dev.shuttle.websocket.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;

/**
 * A {@link HistoryStore} shaped like a broker's stream, to hold the hub to the SPI as a bridge
 * uses it: {@link #append} only enqueues and returns, and one sequencer thread gives positions
 * and calls {@link Hub#deliverAt} later, from its own thread. Unbounded: tests only.
 */
final class SequencerStore implements HistoryStore, AutoCloseable {
    private record Appended(String key, PreparedMessage body, WebSocket sender) {
    }

    private static final String EPOCH = "stream";
    private final LinkedBlockingQueue<Appended> inbox = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, List<HistoryEntry>> logs = new HashMap<>();
    private Thread sequencer;

    @Override
    public void attach(Hub hub) {
        sequencer = Thread.ofVirtual().name("sequencer").start(() -> {
            try {
                while (true) {
                    Appended a = inbox.take();
                    HistoryEntry e;
                    lock.lock();
                    try {
                        List<HistoryEntry> log = logs.computeIfAbsent(a.key(), k -> new ArrayList<>());
                        Position p = new Position(EPOCH, log.size() + 1);
                        e = new HistoryEntry(p, hub.render(a.key(), p, a.body()));
                        log.add(e); // before the delivery: a read sees every delivered message
                    } finally {
                        lock.unlock();
                    }
                    hub.deliverAt(a.key(), e.position(), e.message(), a.sender());
                }
            } catch (InterruptedException stop) {
                // closed
            }
        });
    }

    @Override
    public void append(String key, PreparedMessage body, WebSocket sender) {
        inbox.add(new Appended(key, body, sender));
    }

    @Override
    public HistoryRead read(String key, Position after, int max) {
        lock.lock();
        try {
            List<HistoryEntry> log = logs.getOrDefault(key, List.of());
            Position current = new Position(EPOCH, log.size());
            if (!after.epoch().equals(EPOCH)) {
                return new HistoryRead.Gap(HistoryRead.Reason.EPOCH_CHANGED, after, current);
            }
            if (after.offset() > log.size()) {
                return new HistoryRead.Gap(HistoryRead.Reason.UNKNOWN_POSITION, after, current);
            }
            int from = (int) after.offset();
            return new HistoryRead.Entries(log.subList(from, Math.min(log.size(), from + max)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Position head(String key) {
        lock.lock();
        try {
            return new Position(EPOCH, logs.getOrDefault(key, List.of()).size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        sequencer.interrupt();
        sequencer.join(10_000);
    }
}
