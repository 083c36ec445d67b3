package dev.shuttle.websocket.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.internal.session.Connection;

/**
 * Rooms of connections with a slow-consumer policy: what a chat, a ticker or wsbroad needs
 * on top of single connections. wsbroad's behaviour (every message to a URL reaches every other
 * client of that URL) is two lines:
 * <pre>{@code
 * Hub hub = Hub.builder().maxRooms(64).build();
 * WebSocketServer server = WebSocketServer.builder()
 *     .upgradeHook(hub.upgradeHook(null))    // 503 beyond maxRooms; remembers the room key
 *     .handler(hub.relay())                  // join on open, publish each message, leave on close
 *     .build();
 * }</pre>
 * or by hand, from any thread: {@link #join(String, WebSocket)}, {@link #leave},
 * {@link #publish(String, PreparedMessage, WebSocket)}.
 * <p>
 * <b>Membership.</b> A connection leaves every room by itself when it ends, whatever the cause
 * ({@link HubListener#onLeave} gets its close code); a room expires when its last member leaves.
 * Joins and leaves are safe from any thread and ordered per room; a publish reads a room's
 * members without a lock, so it never waits for them (see {@link Room}).
 * <p>
 * <b>Publishing.</b> A {@link PreparedMessage} is framed once and the same read-only bytes are
 * queued to every member; with permessage-deflate it is compressed once where the members'
 * parameters allow no context takeover, and by each connection in wire order otherwise.
 * Per member it costs a queue entry, not a copy of the payload. What happens when a member's
 * queue is above the {@linkplain Builder#memberQueueLimit limit} is the hub's
 * {@link SlowConsumerPolicy}.
 * <p>
 * A member that is not one of Shuttle's own connections (a test double) is written with
 * {@link WebSocket#write(PreparedMessage)} under its own overflow policy and must be taken out
 * with {@link #leave} by hand.
 */
public final class Hub {
    private static final AtomicInteger HUBS = new AtomicInteger();

    private final SlowConsumerPolicy policy;
    private final int maxRooms;
    private final int maxMembersPerRoom;
    private final boolean reflexive;
    private final Function<HandshakeRequest, String> roomKey;
    private final long memberQueueLimit;
    private final HubListener[] listeners;
    private final PublishListener[] publishListeners;
    /** The connection attribute under which {@link #upgradeHook} and {@link #relay()} keep the room key. */
    private final String keyAttribute = "shuttle.hub." + HUBS.incrementAndGet() + ".room";

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    /** Rooms that exist or are being created: what {@link Builder#maxRooms} limits. */
    private final AtomicInteger roomCount = new AtomicInteger();
    private final ConcurrentHashMap<WebSocket, Membership> memberships = new ConcurrentHashMap<>();

    private Hub(Builder b) {
        this.policy = b.policy;
        this.maxRooms = b.maxRooms;
        this.maxMembersPerRoom = b.maxMembersPerRoom;
        this.reflexive = b.reflexive;
        this.roomKey = b.roomKey;
        this.memberQueueLimit = b.memberQueueLimit;
        this.listeners = b.listeners.toArray(HubListener[]::new);
        this.publishListeners = b.publishListeners.toArray(PublishListener[]::new);
    }

    /** {@return a builder with the defaults: DROP, 64 rooms, no member limit, not reflexive, key = path and query} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * wsbroad's room key: the request target as sent, the path and, when there is one, {@code ?}
     * and the query.
     *
     * @param request the upgrade request
     * @return the key
     */
    public static String pathAndQuery(HandshakeRequest request) {
        String q = request.query();
        return q == null ? request.path() : request.path() + "?" + q;
    }

    // ---------------------------------------------------------------- server glue

    /**
     * An upgrade hook that runs {@code next} (authentication, say) and then refuses with 503 an
     * upgrade that would create a room beyond {@link Builder#maxRooms} or join a full room,
     * and remembers the room key for {@link #relay()}. Between this check and the join another
     * client may take the last place; {@link #relay()} then closes the connection with 1013.
     *
     * @param next a hook to run first, or {@code null}
     * @return the hook
     */
    public UpgradeHook upgradeHook(UpgradeHook next) {
        return (request, attributes) -> {
            if (next != null) {
                next.onUpgrade(request, attributes);
            }
            String key = Objects.requireNonNull(roomKey.apply(request), "room key");
            Room room = rooms.get(key);
            if (room == null && roomCount.get() >= maxRooms) {
                throw new UpgradeRejectedException(503, "too many rooms (at most " + maxRooms + ")");
            }
            if (room != null && room.size() >= maxMembersPerRoom) {
                throw new UpgradeRejectedException(503, "room full (at most " + maxMembersPerRoom + " members)");
            }
            attributes.put(keyAttribute, key);
        };
    }

    /**
     * A handler that relays: each connection joins the room of its key on open (1013 when a
     * room limit refuses it), every message it sends is published to that room (to the others,
     * and to itself when reflexive), and it leaves when it closes. Pings and pongs are answered
     * by the engine as usual.
     *
     * @return the handler
     */
    public WebSocketHandler relay() {
        return new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket c) {
                String key = c.attribute(keyAttribute);
                if (key == null) {
                    key = Objects.requireNonNull(roomKey.apply(c.request()), "room key");
                    c.attribute(keyAttribute, key);
                }
                try {
                    join(key, c);
                } catch (RoomLimitException e) {
                    c.close(CloseCode.TRY_AGAIN_LATER, e.getMessage());
                }
            }

            @Override
            public void onData(WebSocket c, boolean isBinary, byte[] data) {
                String key = c.attribute(keyAttribute);
                if (key != null) {
                    publish(key, isBinary ? PreparedMessage.binary(data) : PreparedMessage.textUtf8(data), c);
                }
            }

            @Override
            public void onClose(WebSocket c, int code, String reason, Throwable cause) {
                leaveAll(c); // already done by the close listener for Shuttle's connections
            }
        };
    }

    // ---------------------------------------------------------------- membership

    /**
     * Joins the room of {@code connection}'s request ({@link Builder#roomKey}).
     *
     * @param connection the connection
     * @return the room
     * @throws RoomLimitException when a room limit refuses the join
     * @throws IllegalStateException when the connection has ended
     */
    public Room join(WebSocket connection) {
        return join(roomKey.apply(connection.request()), connection);
    }

    /**
     * Joins the room {@code key}, creating it if needed; nothing when already a member. Any thread.
     *
     * @param key the room's key
     * @param connection the connection
     * @return the room
     * @throws RoomLimitException when a room limit refuses the join
     * @throws IllegalStateException when the connection has ended
     */
    public Room join(String key, WebSocket connection) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(connection, "connection");
        while (true) {
            Membership m = memberships.computeIfAbsent(connection,
                    c -> new Membership(this, c, policy.kind() == SlowConsumerPolicy.Kind.BACKPRESSURE_WITH_ERRORS));
            synchronized (m) {
                if (m.dead) {
                    continue; // it just left its last room or ended: look again
                }
                if (!m.listening) {
                    if (connection instanceof Connection c && !c.addCloseListener(m)) {
                        discard(m);
                        throw new IllegalStateException("the connection has ended: " + connection);
                    }
                    m.listening = true;
                }
                try {
                    Room room = addToRoom(key, connection);
                    m.keys.add(key);
                    return room;
                } finally {
                    if (m.keys.isEmpty()) {
                        discard(m); // the join failed and it is in no other room
                    }
                }
            }
        }
    }

    /**
     * Leaves the room {@code key}; {@link HubListener#onLeave} gets close code 0. Any thread.
     *
     * @param key the room's key
     * @param connection the member
     * @return whether it was a member
     */
    public boolean leave(String key, WebSocket connection) {
        Membership m = memberships.get(connection);
        if (m == null) {
            return false;
        }
        synchronized (m) {
            if (m.dead || !m.keys.remove(key)) {
                return false;
            }
            removeFromRoom(key, connection, 0);
            if (m.keys.isEmpty()) {
                discard(m);
            }
            return true;
        }
    }

    /**
     * Leaves every room of this hub (close code 0 in the events).
     *
     * @param connection the member
     */
    public void leaveAll(WebSocket connection) {
        Membership m = memberships.get(connection);
        if (m != null) {
            leaveAll(m, 0);
        }
    }

    /** The close listener: the connection ended. */
    void ended(Membership m, int code) {
        Set<WebSocket> senders = m.recentSenders;
        if (senders == null || code != CloseCode.ABNORMAL || !(m.connection instanceof Connection c)
                || !(c.writeFailed() || c.unsentAtEnd() > 0)) {
            leaveAll(m, code);
            return;
        }
        // BACKPRESSURE_WITH_ERRORS: it vanished with messages of these senders possibly unsent.
        List<Room> its = new ArrayList<>();
        for (String key : m.keys) {
            Room r = rooms.get(key);
            if (r != null) {
                its.add(r);
            }
        }
        leaveAll(m, code);
        for (WebSocket sender : senders) {
            if (sender != m.connection && sender.isOpen()) {
                sender.close(CloseCode.INTERNAL_ERROR, "a receiver of this room vanished");
                for (Room r : its) {
                    if (r.contains(sender)) {
                        r.sendersClosed.increment();
                    }
                }
            }
        }
        senders.clear();
    }

    private void leaveAll(Membership m, int code) {
        synchronized (m) {
            if (m.dead) {
                return;
            }
            for (String key : m.keys) {
                removeFromRoom(key, m.connection, code);
            }
            m.keys.clear();
            discard(m);
        }
    }

    /** Under m's monitor: m is in no room; it leaves the hub and stops listening. */
    private void discard(Membership m) {
        m.dead = true;
        memberships.remove(m.connection, m);
        if (m.listening && m.connection instanceof Connection c) {
            c.removeCloseListener(m);
        }
    }

    private Room addToRoom(String key, WebSocket connection) {
        while (true) {
            Room room = rooms.get(key);
            if (room == null) {
                if (!reserveRoom()) {
                    throw new RoomLimitException(RoomLimitException.Reason.TOO_MANY_ROOMS, key,
                            "too many rooms (at most " + maxRooms + ")");
                }
                Room fresh = new Room(key);
                room = rooms.putIfAbsent(key, fresh);
                if (room == null) {
                    room = fresh;
                } else {
                    roomCount.decrementAndGet();
                }
            }
            synchronized (room) {
                if (room.isExpired()) {
                    continue; // its last member left between our lookup and our lock
                }
                if (room.announce()) {
                    for (HubListener l : listeners) {
                        l.onRoomCreated(room);
                    }
                }
                if (room.contains(connection)) {
                    return room;
                }
                if (room.size() >= maxMembersPerRoom) {
                    expireIfEmpty(room);
                    throw new RoomLimitException(RoomLimitException.Reason.ROOM_FULL, key,
                            "room full (at most " + maxMembersPerRoom + " members)");
                }
                List<WebSocket> others = List.of(room.snapshot());
                room.add(connection);
                for (HubListener l : listeners) {
                    l.onJoin(room, connection, others);
                }
                return room;
            }
        }
    }

    private boolean reserveRoom() {
        while (true) {
            int n = roomCount.get();
            if (n >= maxRooms) {
                return false;
            }
            if (roomCount.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void removeFromRoom(String key, WebSocket connection, int code) {
        Room room = rooms.get(key);
        if (room == null) {
            return;
        }
        synchronized (room) {
            if (!room.remove(connection)) {
                return;
            }
            for (HubListener l : listeners) {
                l.onLeave(room, connection, code);
            }
            expireIfEmpty(room);
        }
    }

    /** Under the room's monitor. */
    private void expireIfEmpty(Room room) {
        if (room.size() == 0 && !room.isExpired()) {
            room.expire();
            rooms.remove(room.key(), room);
            roomCount.decrementAndGet();
            for (HubListener l : listeners) {
                l.onRoomExpired(room);
            }
        }
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Publishes to every member of the room.
     *
     * @param key the room's key
     * @param message the message
     * @return the members it was queued to
     */
    public int publish(String key, PreparedMessage message) {
        return publish(key, message, null);
    }

    /**
     * Publishes to the members of the room other than {@code sender} (to the sender too when the
     * hub is {@linkplain Builder#reflexive reflexive}), under the slow-consumer policy; then tells
     * the {@linkplain Builder#publishListener publish listeners}. With a BACKPRESSURE policy the
     * calling thread may wait for room in a member's queue.
     *
     * @param key the room's key
     * @param message the message
     * @param sender the publishing member, or {@code null}
     * @return the members it was queued to
     */
    public int publish(String key, PreparedMessage message, WebSocket sender) {
        int n = deliverLocally(key, message, reflexive ? null : sender, sender);
        for (PublishListener l : publishListeners) {
            l.published(key, message, sender);
        }
        return n;
    }

    /**
     * Delivers to this instance's members of the room other than {@code except}, under the
     * slow-consumer policy, without telling the publish listeners: what a bridge does with a
     * message that came from another instance.
     *
     * @param key the room's key
     * @param message the message
     * @param except a member to leave out, or {@code null}
     * @return the members it was queued to
     */
    public int deliverLocally(String key, PreparedMessage message, WebSocket except) {
        return deliverLocally(key, message, except, null);
    }

    private int deliverLocally(String key, PreparedMessage message, WebSocket except, WebSocket sender) {
        Room room = rooms.get(key);
        if (room == null) {
            return 0;
        }
        room.messages.increment();
        room.bytes.add(message.payload().length);
        int queued = 0;
        for (WebSocket member : room.snapshot()) {
            if (member != except && deliver(room, member, message, sender)) {
                queued++;
            }
        }
        room.deliveries.add(queued);
        return queued;
    }

    private boolean deliver(Room room, WebSocket member, PreparedMessage message, WebSocket sender) {
        if (!(member instanceof Connection c)) {
            return counted(room, member.write(message));
        }
        long limit = memberQueueLimit > 0 ? memberQueueLimit : c.options().maxQueuedBytes();
        SendResult r = switch (policy.kind()) {
            case DROP -> c.write(message, OverflowPolicy.DROP, limit, 0);
            case STOCHASTIC -> {
                // Up to the limit as DROP; beyond it a queue of qlen more messages (counted in
                // units of this one's size) where each is dropped with probability fill / qlen.
                int qlen = policy.queueLength();
                long unit = Math.max(1, message.payload().length);
                long beyond = (c.queuedBytes() - limit) / unit;
                if (beyond >= qlen || (beyond > 0 && ThreadLocalRandom.current().nextInt(qlen) < beyond)) {
                    yield SendResult.DROPPED;
                }
                yield c.write(message, OverflowPolicy.DROP, limit + qlen * unit, 0);
            }
            case BACKPRESSURE -> c.write(message, OverflowPolicy.BLOCK, limit, Long.MAX_VALUE);
            case BACKPRESSURE_WITH_ERRORS -> {
                trackSender(c, sender);
                SendResult result = c.write(message, OverflowPolicy.BLOCK, limit, Long.MAX_VALUE);
                if (result == SendResult.CLOSED && c.writeFailed() && sender != null && sender != member && sender.isOpen()) {
                    sender.close(CloseCode.INTERNAL_ERROR, "a receiver of this room vanished");
                    room.sendersClosed.increment();
                }
                yield result;
            }
            case CLOSE -> {
                boolean wasOpen = c.isOpen();
                SendResult result = c.write(message, OverflowPolicy.CLOSE, limit, 0);
                if (result == SendResult.CLOSED && wasOpen) {
                    room.closedSlow.increment();
                }
                yield result;
            }
        };
        return counted(room, r);
    }

    private void trackSender(Connection receiver, WebSocket sender) {
        Membership m = memberships.get(receiver);
        if (m == null || m.recentSenders == null) {
            return;
        }
        if (receiver.queuedBytes() == 0) {
            m.recentSenders.clear(); // everything earlier is on the wire
        }
        if (sender != null) {
            m.recentSenders.add(sender);
        }
    }

    private static boolean counted(Room room, SendResult r) {
        if (r == SendResult.QUEUED) {
            return true;
        }
        room.dropped.increment();
        return false;
    }

    // ---------------------------------------------------------------- reading

    /**
     * The room of that key.
     *
     * @param key the room's key
     * @return the room, or {@code null} when it has no member
     */
    public Room room(String key) {
        return rooms.get(key);
    }

    /** {@return the rooms now (a snapshot)} */
    public Collection<Room> rooms() {
        return List.copyOf(rooms.values());
    }

    /** {@return the number of rooms now} */
    public int roomCount() {
        return rooms.size();
    }

    /**
     * The keys of the rooms {@code connection} is in.
     *
     * @param connection the connection
     * @return a snapshot of the keys, empty when it is in none
     */
    public Set<String> roomsOf(WebSocket connection) {
        Membership m = memberships.get(connection);
        return m == null ? Set.of() : Set.copyOf(m.keys);
    }

    /** {@return the slow-consumer policy} */
    public SlowConsumerPolicy policy() {
        return policy;
    }

    /** {@return the room limit} */
    public int maxRooms() {
        return maxRooms;
    }

    /** Settings of a {@link Hub}; see each method for its default. */
    public static final class Builder {
        private SlowConsumerPolicy policy = SlowConsumerPolicy.DROP;
        private int maxRooms = 64;
        private int maxMembersPerRoom = Integer.MAX_VALUE;
        private boolean reflexive;
        private Function<HandshakeRequest, String> roomKey = Hub::pathAndQuery;
        private long memberQueueLimit;
        private final List<HubListener> listeners = new ArrayList<>();
        private final List<PublishListener> publishListeners = new CopyOnWriteArrayList<>();

        private Builder() {
        }

        /**
         * The slow-consumer policy; default {@link SlowConsumerPolicy#DROP}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder policy(SlowConsumerPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Rooms at most (wsbroad's {@code --max-urls}); default 64. Beyond it
         * {@link #upgradeHook} answers 503 and {@link #join} throws {@link RoomLimitException}.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxRooms(int n) {
            this.maxRooms = atLeastOne(n, "maxRooms");
            return this;
        }

        /**
         * Members per room at most; default unlimited. Beyond it 503 at the upgrade,
         * {@link RoomLimitException} on join.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxMembersPerRoom(int n) {
            this.maxMembersPerRoom = atLeastOne(n, "maxMembersPerRoom");
            return this;
        }

        /**
         * Whether a publishing member gets its own messages too (wsbroad's {@code --reflexive});
         * default false.
         *
         * @param reflexive whether to deliver to the sender too
         * @return this builder
         */
        public Builder reflexive(boolean reflexive) {
            this.reflexive = reflexive;
            return this;
        }

        /**
         * How a request names its room; default {@link Hub#pathAndQuery} (as wsbroad).
         *
         * @param roomKey the key of a request's room, never null
         * @return this builder
         */
        public Builder roomKey(Function<HandshakeRequest, String> roomKey) {
            this.roomKey = Objects.requireNonNull(roomKey, "roomKey");
            return this;
        }

        /**
         * Queued bytes beyond which a member counts as slow and the policy applies; default 0:
         * each connection's {@link dev.shuttle.websocket.Options#maxQueuedBytes()}. An empty
         * queue always takes one message, however large.
         *
         * @param bytes the limit, or 0 for the connections' own
         * @return this builder
         */
        public Builder memberQueueLimit(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("memberQueueLimit must not be negative: " + bytes);
            }
            this.memberQueueLimit = bytes;
            return this;
        }

        /**
         * Adds a presence listener; several may be added, they run in that order.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(HubListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a listener told of every publish (a broker bridge, a history); several may be added.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder publishListener(PublishListener listener) {
            publishListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** {@return the hub} */
        public Hub build() {
            return new Hub(this);
        }

        private static int atLeastOne(int n, String name) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + n);
            }
            return n;
        }
    }
}
