package dev.shuttle.websocket.hub;

import java.time.Duration;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;

/**
 * Where a {@link Hub}'s rooms keep their history, and the one place that gives messages their
 * {@linkplain Position positions}: the SPI that a broker bridge implements (Redis Streams, NATS
 * JetStream) and {@link #inMemory} implements inside one JVM.
 * <p>
 * <b>Sequencing.</b> With a store, {@link Hub#publish(String, PreparedMessage, WebSocket)} does
 * not deliver by itself: it hands the body to {@link #append}. The store gives it the room's next
 * position and then, on <em>every</em> instance whose hub it is {@linkplain #attach attached} to
 * (the publisher's included), delivers it exactly once with
 * <pre>{@code
 * hub.deliverAt(key, position, hub.render(key, position, body), sender)
 * }</pre>
 * where {@code sender} is the publishing connection on the publisher's instance and {@code null}
 * on the others. For one room those calls come in increasing offset order and one at a time
 * (never two at once for the same room on one instance); different rooms may run in parallel.
 * They may run inside {@code append} (the in-memory store does) or later on a thread of the store.
 * <p>
 * <b>Reading.</b> {@link #read} serves recovery on any instance. It must see every message whose
 * {@code deliverAt} began on the calling instance before {@code read} was called (a hub starts
 * buffering a recovering member's live messages before it reads, and relies on that to switch
 * from replay to live with no gap and no duplicate). It may see later ones too: the hub drops
 * duplicates by offset.
 * <p>
 * <b>Bounds.</b> A store keeps at most its configured count and age of messages per room; a read
 * returns at most {@code max} entries, referring to kept objects rather than copies where it can.
 */
public interface HistoryStore {

    /**
     * A history inside this JVM: positions are given under the room's lock and delivered at once;
     * the epoch is random per store (and per room history, so a room whose history was dropped
     * and begun again has a new one), so nothing survives a restart and a client of the previous
     * run is told {@link HistoryRead.Reason#EPOCH_CHANGED}. It keeps at most {@code maxCount}
     * messages per room, none older than {@code maxAge}, and the histories of at most
     * {@code maxRooms} rooms (the least recently published is dropped first), so its memory is
     * bounded by {@code maxRooms × maxCount} messages.
     *
     * @param maxCount messages kept per room, at least 1
     * @param maxAge how long a message is kept, positive
     * @param maxRooms rooms whose history is kept, at least 1
     * @return the store, to hand to {@link Hub.Builder#history}
     */
    static HistoryStore inMemory(int maxCount, Duration maxAge, int maxRooms) {
        return new InMemoryHistory(maxCount, maxAge, maxRooms, System::nanoTime);
    }

    /**
     * Connects the store to the hub it sequences for; called once by {@link Hub.Builder#build}.
     *
     * @param hub the hub to deliver to
     * @throws IllegalStateException when the store only serves one hub and has one already
     */
    void attach(Hub hub);

    /**
     * A member joined the room on this instance; called on the joining thread after the member
     * was added, before the join returns, outside the hub's locks (so it may wait for a broker
     * briefly). A store that delivers from a shared log starts following the room here at the
     * latest, so that everything appended after the join returns reaches the member. The
     * default does nothing (a store that delivers in {@link #append} needs nothing).
     *
     * @param key the room's key
     */
    default void joined(String key) {
    }

    /**
     * Sequences a published message: gives it the room's next position and has it delivered (see
     * the class comment). It must not block for long: it runs on the publisher's thread, often a
     * connection's reader. A store that cannot take the message (a broker that is down) drops it,
     * counts it and logs it: delivery is at most once.
     *
     * @param key the room's key
     * @param body the published message, before {@linkplain PositionRenderer rendering}
     * @param sender the publishing member on this instance, or {@code null}
     */
    void append(String key, PreparedMessage body, WebSocket sender);

    /**
     * The messages of the room after {@code after}, oldest first, at most {@code max}; or a gap
     * when {@code after} is of another epoch, older than the oldest kept message allows, or beyond
     * the room's last message. A room of which nothing is known answers a gap
     * ({@link HistoryRead.Reason#EPOCH_CHANGED}) unless {@code after} is of its current epoch.
     * The entries' messages are rendered (see {@link Hub#render}).
     *
     * @param key the room's key
     * @param after the last position the reader has
     * @param max the most entries to return, at least 1
     * @return the entries or the gap
     */
    HistoryRead read(String key, Position after, int max);

    /**
     * The room's position now: its epoch and the offset of its last message (0 before the first).
     * A client that joins without a position can take this one, so that it can recover later
     * even if no message reaches it before it disconnects.
     *
     * @param key the room's key
     * @return the position now
     */
    Position head(String key);
}
