package dev.shuttle.websocket.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * <b>History.</b> Off by default. With a {@linkplain Builder#history store} every message of a
 * room gets a {@link Position} (epoch and offset), the message can carry it
 * ({@link Builder#renderer}), and a client that comes back with its last position
 * ({@code ?since=EPOCH:OFFSET} or the {@code Shuttle-Since} header, read by {@link #relay()})
 * gets what it missed and then live messages, with no gap and no duplicate; see
 * {@link #join(String, WebSocket, Position)}. In a cluster the store is a broker's stream and
 * gives the positions for every instance ({@link HistoryStore}).
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
    /** Null when the rooms keep no history (the default): then publishing is as it always was. */
    private final HistoryStore history;
    private final PositionRenderer renderer;
    private final RecoveryListener recoveryListener;
    private final int recoveryBuffer;
    private final long replayWriteNanos;
    /** The connection attribute under which {@link #upgradeHook} and {@link #relay()} keep the room key. */
    private final String keyAttribute = "shuttle.hub." + HUBS.incrementAndGet() + ".room";
    /** Where {@link #upgradeHook} keeps the client's {@code since} text (a connection keeps only the headers a hook read). */
    private final String sinceAttribute = keyAttribute + ".since";

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
        this.history = b.history;
        this.renderer = b.renderer;
        this.recoveryListener = b.recoveryListener;
        this.recoveryBuffer = b.recoveryBuffer;
        this.replayWriteNanos = b.replayWriteTimeout.toNanos();
        if (b.history != null) {
            b.history.attach(this);
        }
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
     * and remembers the room key for {@link #relay()} (with a history, the client's
     * {@code since} too: a connection keeps only the headers a hook read). Between this check and the join another
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
            if (history != null) {
                String since = sinceText(request);
                if (since != null) {
                    attributes.put(sinceAttribute, since);
                }
            }
        };
    }

    /**
     * A handler that relays: each connection joins the room of its key on open (1013 when a
     * room limit refuses it; with a history, recovering from the request's {@code since}, see
     * {@link #join(String, WebSocket, Position)}; a {@code since} that is not a position is a
     * {@link HistoryRead.Reason#MALFORMED} failure), every message it sends is published to that room (to the others,
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
                    joinFromRequest(key, c);
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
        return join(key, connection, (Recovery) null);
    }

    private Room join(String key, WebSocket connection, Recovery recovery) {
        Room room = joinMembership(key, connection, recovery);
        if (history != null) {
            history.joined(key); // outside every lock: a cluster store may ask its broker
        }
        return room;
    }

    private Room joinMembership(String key, WebSocket connection, Recovery recovery) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(connection, "connection");
        while (true) {
            Membership m = memberships.computeIfAbsent(connection,
                    c -> new Membership(this, c, policy.kind() == SlowConsumerPolicy.Kind.BACKPRESSURE_WITH_ERRORS));
            m.lock.lock();
            try {
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
                    Room room = addToRoom(key, connection, recovery);
                    m.keys.add(key);
                    return room;
                } finally {
                    if (m.keys.isEmpty()) {
                        discard(m); // the join failed and it is in no other room
                    }
                }
            } finally {
                m.lock.unlock();
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
        m.lock.lock();
        try {
            if (m.dead || !m.keys.remove(key)) {
                return false;
            }
            removeFromRoom(key, connection, 0);
            if (m.keys.isEmpty()) {
                discard(m);
            }
            return true;
        } finally {
            m.lock.unlock();
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
        m.lock.lock();
        try {
            if (m.dead) {
                return;
            }
            for (String key : m.keys) {
                removeFromRoom(key, m.connection, code);
            }
            m.keys.clear();
            discard(m);
        } finally {
            m.lock.unlock();
        }
    }

    /** Under m's lock: m is in no room; it leaves the hub and stops listening. */
    private void discard(Membership m) {
        m.dead = true;
        memberships.remove(m.connection, m);
        if (m.listening && m.connection instanceof Connection c) {
            c.removeCloseListener(m);
        }
    }

    private Room addToRoom(String key, WebSocket connection, Recovery recovery) {
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
            room.lock.lock();
            try {
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
                if (recovery != null) {
                    // Before the member itself: a delivery that sees the member sees its Recovery too.
                    room.addRecovering(recovery);
                }
                room.add(connection);
                for (HubListener l : listeners) {
                    l.onJoin(room, connection, others);
                }
                return room;
            } finally {
                room.lock.unlock();
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
        room.lock.lock();
        try {
            if (!room.remove(connection)) {
                return;
            }
            if (!room.recovering.isEmpty()) {
                room.removeRecovering(connection, null);
            }
            for (HubListener l : listeners) {
                l.onLeave(room, connection, code);
            }
            expireIfEmpty(room);
        } finally {
            room.lock.unlock();
        }
    }

    /** Under the room's lock. */
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
     * <p>
     * With a {@linkplain Builder#history history} the message is a body handed to the store,
     * which gives it its position and delivers it (rendered, see {@link Builder#renderer}) with
     * {@link #deliverAt}: then this returns 0, the delivery being the store's. The publish
     * listeners are told as without a history; a bridge whose store carries the messages to the
     * other instances must not forward them a second time.
     *
     * @param key the room's key
     * @param message the message
     * @param sender the publishing member, or {@code null}
     * @return the members it was queued to (0 with a history)
     */
    public int publish(String key, PreparedMessage message, WebSocket sender) {
        if (history != null) {
            history.append(key, message, sender);
            for (PublishListener l : publishListeners) {
                l.published(key, message, sender);
            }
            return 0;
        }
        int n = deliverLocally(key, message, reflexive ? null : sender, sender);
        for (PublishListener l : publishListeners) {
            l.published(key, message, sender);
        }
        return n;
    }

    /**
     * Delivers to this instance's members of the room other than {@code except}, under the
     * slow-consumer policy, without telling the publish listeners: what a bridge does with a
     * message that came from another instance. For a hub without history; with one, a store
     * delivers with {@link #deliverAt} (which knows the position).
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

    // ---------------------------------------------------------------- history and recovery

    /** The query parameter that carries a reconnecting client's last position: {@code ?since=EPOCH:OFFSET}. */
    public static final String SINCE_PARAMETER = "since";
    /** The header that carries it when the client can set headers: {@code Shuttle-Since: EPOCH:OFFSET}. */
    public static final String SINCE_HEADER = "Shuttle-Since";
    /** How many history entries a replay asks the store for at a time. */
    private static final int REPLAY_BATCH = 256;
    /** How often in a row a replay reads again without getting further before giving up on the member (a store that lags). */
    private static final int MAX_REREADS = 64;

    /**
     * The position a reconnecting client sent: the {@value #SINCE_PARAMETER} query parameter,
     * else the {@value #SINCE_HEADER} header.
     *
     * @param request the upgrade request
     * @return the position, or {@code null} when the request has neither
     * @throws IllegalArgumentException when the value is not {@code EPOCH:OFFSET}
     */
    public static Position since(HandshakeRequest request) {
        String text = sinceText(request);
        return text == null ? null : Position.parse(text);
    }

    private static String sinceText(HandshakeRequest request) {
        String text = request.queryParameter(SINCE_PARAMETER);
        if (text == null) {
            text = request.header(SINCE_HEADER);
        }
        return text == null ? null : text.trim();
    }

    /**
     * The room key of a hub with history: {@link #pathAndQuery} without the
     * {@value #SINCE_PARAMETER} parameter, so that a client reconnecting with its position joins
     * the room it left.
     *
     * @param request the upgrade request
     * @return the key
     */
    public static String pathAndQueryWithoutSince(HandshakeRequest request) {
        String q = request.query();
        if (q == null) {
            return request.path();
        }
        StringBuilder kept = new StringBuilder(q.length());
        for (String pair : q.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (!(eq < 0 ? pair : pair.substring(0, eq)).equals(SINCE_PARAMETER)) {
                if (!kept.isEmpty()) {
                    kept.append('&');
                }
                kept.append(pair);
            }
        }
        return kept.isEmpty() ? request.path() : request.path() + "?" + kept;
    }

    /** {@return the history store, or {@code null} when the rooms keep none} */
    public HistoryStore history() {
        return history;
    }

    /**
     * Renders a body at a position with the hub's {@link Builder#renderer}: what a
     * {@link HistoryStore} calls before {@link #deliverAt} and for the entries it reads.
     *
     * @param key the room's key
     * @param position the body's position
     * @param body what was published
     * @return the message to deliver and keep
     */
    public PreparedMessage render(String key, Position position, PreparedMessage body) {
        return Objects.requireNonNull(renderer.render(key, position, body), "rendered message");
    }

    /**
     * Delivers a sequenced message to this instance's members of the room (not to
     * {@code sender} unless the hub is reflexive), under the slow-consumer policy: what a
     * {@link HistoryStore} calls, per room one call at a time and in offset order. A member
     * still replaying its history gets it after its replay, once.
     *
     * @param key the room's key
     * @param position the message's position
     * @param message the rendered message
     * @param sender the publishing member on this instance, or {@code null}
     * @return the members it was queued (or kept for after their replay) to
     */
    public int deliverAt(String key, Position position, PreparedMessage message, WebSocket sender) {
        Room room = rooms.get(key);
        if (room == null) {
            return 0;
        }
        room.messages.increment();
        room.bytes.add(message.payload().length);
        WebSocket except = reflexive ? null : sender;
        WebSocket[] members = room.snapshot();
        Map<WebSocket, Recovery> recovering = room.recovering; // read after the members: see addToRoom
        int queued = 0;
        for (WebSocket member : members) {
            if (member == except) {
                continue;
            }
            Recovery r = recovering.isEmpty() ? null : recovering.get(member);
            if (r == null) {
                if (deliver(room, member, message, sender)) {
                    queued++;
                }
                continue;
            }
            r.lock.lock();
            try {
                if (!r.live) {
                    r.keep(position, message, sender);
                    queued++;
                } else if (deliver(room, member, message, sender)) {
                    queued++;
                }
            } finally {
                r.lock.unlock();
            }
        }
        room.deliveries.add(queued);
        return queued;
    }

    /**
     * Joins the room and, when the hub has a history and {@code since} is given, first queues
     * the room's messages after {@code since}, then live ones: no gap and no duplicate at the
     * switch, also while others publish. When the history cannot continue from {@code since}
     * (another epoch, too old, beyond the last message) the {@link Builder#recoveryListener}'s
     * {@link RecoveryListener#onRecoveryFailed} runs before any message is queued to the member,
     * so what it writes comes first; then live messages follow.
     * <p>
     * The replay is written by the calling thread, waiting for room in the member's queue under
     * the {@linkplain Builder#memberQueueLimit queue limit} (at most
     * {@link Builder#replayWriteTimeout} per message; then the member is closed with 1008): a
     * recovering client is paced by its own reading, and it holds queue entries that refer to
     * the history's own messages, never copies. With {@link #relay()} that thread is the
     * member's reader. Live messages that arrive meanwhile are kept for it, at most
     * {@link Builder#recoveryBuffer} of them (beyond that they are read again from the history),
     * and written the same way after the replay; the member goes live once nothing is kept for
     * it, and from then on the hub's slow-consumer policy applies as to any member. If the
     * history loses messages the member has not been given yet (it reads more slowly than the
     * room publishes for longer than the history keeps), the member is closed with 1013 so that
     * it reconnects from where it is. After a failure notice the member's stream goes on after
     * the gap's {@link HistoryRead.Gap#current() current} position.
     * <p>
     * The replay holds every message of the room after {@code since}, including those the
     * member itself published from its previous connection.
     *
     * @param key the room's key
     * @param connection the connection
     * @param since its last position, or {@code null} for a plain {@link #join(String, WebSocket)}
     * @return the room
     * @throws RoomLimitException when a room limit refuses the join
     * @throws IllegalStateException when the connection has ended
     */
    public Room join(String key, WebSocket connection, Position since) {
        if (since == null || history == null) {
            return join(key, connection);
        }
        return recover(key, connection, since);
    }

    /**
     * Joins as {@link #relay()} does on open: with a history, recovering from the position the
     * upgrade carried ({@value #SINCE_PARAMETER} or {@value #SINCE_HEADER}, remembered by
     * {@link #upgradeHook} or else read from the connection's request; one that is not a
     * position is a {@link HistoryRead.Reason#MALFORMED} failure); without one, a plain
     * {@link #join(String, WebSocket)}.
     *
     * @param key the room's key
     * @param c the connection
     * @return the room
     * @throws RoomLimitException when a room limit refuses the join
     * @throws IllegalStateException when the connection has ended
     */
    public Room joinFromRequest(String key, WebSocket c) {
        if (history == null) {
            return join(key, c);
        }
        Position since;
        try {
            String text = c.attribute(sinceAttribute);
            since = text != null ? Position.parse(text) : since(c.request());
        } catch (IllegalArgumentException e) {
            return recover(key, c, null);
        }
        return join(key, c, since);
    }

    /** since null: the peer's text was malformed. */
    private Room recover(String key, WebSocket connection, Position since) {
        Recovery r = new Recovery(connection, recoveryBuffer);
        Room room = join(key, connection, r);
        if (!room.contains(connection) || room.recovering.get(connection) != r) {
            return room; // it was a member already, or it ended at once
        }
        try {
            replay(key, room, r, since);
        } finally {
            r.lock.lock();
            try {
                r.live = true; // whatever happened, no delivery keeps waiting for this member
                r.buffer.clear();
            } finally {
                r.lock.unlock();
            }
            room.lock.lock();
            try {
                room.removeRecovering(connection, r);
            } finally {
                room.lock.unlock();
            }
        }
        return room;
    }

    /**
     * The recovering member's stream, on the joining thread: the history after {@code since}
     * (or, after a failure notice, after the position the notice names), then what live
     * deliveries kept for it, all written with the replay's waiting write, so its queue never
     * goes over the limit; it goes live once, under its lock, nothing is left kept for it.
     */
    private void replay(String key, Room room, Recovery r, Position since) {
        Position cursor = since;
        boolean failed = false;
        if (since == null) {
            cursor = failNotice(room, r, new HistoryRead.Gap(HistoryRead.Reason.MALFORMED, null, history.head(key)));
            failed = true;
        }
        long replayed = 0;
        int rereads = 0; // in a row without progress
        Position rereadAt = null;
        reading:
        while (true) {
            HistoryRead read = history.read(key, cursor, REPLAY_BATCH);
            HistoryRead.Gap gap = read instanceof HistoryRead.Gap g ? g : null;
            List<HistoryEntry> entries = gap == null ? ((HistoryRead.Entries) read).entries() : List.of();
            for (HistoryEntry e : entries) {
                if (!continues(e.position(), cursor)) {
                    gap = new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, since, null); // a store that skipped
                    break;
                }
                if (e.position().offset() <= cursor.offset()) {
                    continue;
                }
                if (!replayOne(r.member, e.message())) {
                    return;
                }
                replayed++;
                cursor = e.position();
            }
            if (gap != null) {
                if (replayed > 0 || failed) {
                    r.member.close(CloseCode.TRY_AGAIN_LATER, "recovery fell behind the history");
                    return;
                }
                cursor = failNotice(room, r, gap);
                failed = true;
                continue;
            }
            if (entries.size() >= REPLAY_BATCH) {
                continue; // more to read
            }
            // Caught up with what the store had: now what live deliveries kept meanwhile.
            while (true) {
                List<Recovery.Buffered> taken;
                r.lock.lock();
                try {
                    if (r.overflowed) {
                        r.overflowed = false; // what was thrown away is in the history
                        taken = null;
                    } else {
                        while (!r.buffer.isEmpty() && sameEpoch(r.buffer.peekFirst().position(), cursor)
                                && r.buffer.peekFirst().position().offset() <= cursor.offset()) {
                            r.buffer.removeFirst(); // the read saw it already
                        }
                        if (r.buffer.isEmpty()) {
                            r.live = true;
                            break;
                        }
                        taken = continues(r.buffer.peekFirst().position(), cursor) ? List.copyOf(r.buffer) : null;
                        r.buffer.clear();
                    }
                } finally {
                    r.lock.unlock();
                }
                if (taken == null) {
                    // Thrown away, or a hole between what the store had and what was kept: read again.
                    rereads = cursor.equals(rereadAt) ? rereads + 1 : 0;
                    rereadAt = cursor;
                    if (rereads > MAX_REREADS) {
                        r.member.close(CloseCode.TRY_AGAIN_LATER, "recovery could not catch up");
                        return;
                    }
                    continue reading;
                }
                for (Recovery.Buffered b : taken) {
                    if (b.position().offset() != cursor.offset() + 1 || !sameEpoch(b.position(), cursor)) {
                        continue reading; // a hole inside what was kept: the history has it
                    }
                    if (!replayOne(r.member, b.message())) {
                        return;
                    }
                    cursor = b.position();
                }
            }
            if (!failed) {
                recoveryListener.onRecovered(room, r.member, since, replayed);
            }
            return;
        }
    }

    /**
     * Tells the application, before anything else reaches the member; returns where its stream
     * goes on: after the gap's current position, else after the room's head now (both taken after
     * the member began to be kept for, so nothing after them is missed).
     */
    private Position failNotice(Room room, Recovery r, HistoryRead.Gap gap) {
        Position from = gap.current() != null ? gap.current() : history.head(room.key());
        HistoryRead.Gap told = gap.current() != null ? gap : new HistoryRead.Gap(gap.reason(), gap.since(), from);
        recoveryListener.onRecoveryFailed(room, r.member, told);
        return from;
    }

    private static boolean sameEpoch(Position a, Position b) {
        return a.epoch().equals(b.epoch());
    }

    /** Whether {@code next} may follow {@code cursor}: same epoch, no offset skipped. */
    private static boolean continues(Position next, Position cursor) {
        return sameEpoch(next, cursor) && next.offset() <= cursor.offset() + 1;
    }

    /** Writes one replayed message, waiting for room; false when the member is gone or too slow. */
    private boolean replayOne(WebSocket member, PreparedMessage message) {
        if (!(member instanceof Connection c)) {
            return member.write(message) == SendResult.QUEUED;
        }
        long limit = memberQueueLimit > 0 ? memberQueueLimit : c.options().maxQueuedBytes();
        SendResult result = c.write(message, OverflowPolicy.BLOCK, limit, replayWriteNanos);
        if (result == SendResult.TIMED_OUT) {
            c.close(CloseCode.POLICY_VIOLATION, "too slow to recover");
        }
        return result == SendResult.QUEUED;
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
        private HistoryStore history;
        private PositionRenderer renderer = PositionRenderer.UNCHANGED;
        private RecoveryListener recoveryListener = new RecoveryListener() {
        };
        private int recoveryBuffer = 1024;
        private Duration replayWriteTimeout = Duration.ofSeconds(30);
        private boolean customRoomKey;

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
            this.customRoomKey = true;
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

        /**
         * Gives every room a history: positions, and recovery of a reconnecting client (see
         * {@link Hub#join(String, WebSocket, Position)}); default none. The store sequences and
         * delivers what is published (see {@link HistoryStore}); it is attached to the hub when
         * it is built. Unless {@link #roomKey} was set, the room key becomes
         * {@link Hub#pathAndQueryWithoutSince}.
         *
         * @param store e.g. {@link HistoryStore#inMemory}, or a broker's
         * @return this builder
         */
        public Builder history(HistoryStore store) {
            this.history = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * How a published body becomes the message delivered at its position (e.g. with the
         * position inside); default {@link PositionRenderer#UNCHANGED}. Used with a history only.
         *
         * @param renderer the renderer
         * @return this builder
         */
        public Builder renderer(PositionRenderer renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            return this;
        }

        /**
         * Told whether a member's recovery worked; its failure callback writes the notice the
         * member gets first. Default: nothing is told, the member just gets live messages.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder recoveryListener(RecoveryListener listener) {
            this.recoveryListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Live messages kept per recovering member while its replay is written; default 1024.
         * Beyond it they are dropped from the buffer and read again from the history.
         *
         * @param messages at least 1
         * @return this builder
         */
        public Builder recoveryBuffer(int messages) {
            this.recoveryBuffer = atLeastOne(messages, "recoveryBuffer");
            return this;
        }

        /**
         * How long a replay waits for room in a recovering member's queue, per message, before
         * the member is closed with 1008; default 30 seconds.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder replayWriteTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("replayWriteTimeout must be positive: " + timeout);
            }
            this.replayWriteTimeout = timeout;
            return this;
        }

        /** {@return the hub} */
        public Hub build() {
            if (history != null && !customRoomKey) {
                roomKey = Hub::pathAndQueryWithoutSince;
            }
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
