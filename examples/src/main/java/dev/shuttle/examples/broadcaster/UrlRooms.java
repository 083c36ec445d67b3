package dev.shuttle.examples.broadcaster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocket;

/**
 * Rooms of connections keyed by URL (path and query, as wsbroad keys them), with wsbroad's
 * relaying rules. A stand-in for the {@code Hub} API of issue 10, which was not on main when
 * this was written; {@link Broadcaster} is to move to {@code Hub} once it is, keeping its log
 * lines and tests. The slow-consumer behaviour leans on the engine's {@code OverflowPolicy}
 * (see {@link Settings#serverOptions()}):
 * <ul>
 * <li>DROP: a full receiver queue drops the message for that receiver ({@code OverflowPolicy.DROP});</li>
 * <li>BACKPRESSURE: the sender's reader waits for room in each receiver's queue ({@code BLOCK}),
 *     so it stops reading and TCP paces the sending client; a receiver that stops reading is
 *     dropped by the write-stall timeout, which frees the sender;</li>
 * <li>BACKPRESSURE_WITH_ERRORS: as above, and a sender whose message meets a receiver that is
 *     gone but still listed (its connection failed under the write) is closed with 1011;</li>
 * <li>STOCHASTIC: a message to a receiver is dropped with a probability rising from 0 at half a
 *     full queue to 1 at a full one, measured in bytes (this stand-in does not count messages,
 *     so the {@code qlen} of {@code --stochastic-queue} only selects the mode).</li>
 * </ul>
 * Thread-safety: joins, leaves and publishes come from the connections' own threads; the room
 * map's per-key atomic updates order a room's creation and expiry with its joins and leaves.
 */
final class UrlRooms {
    private static final String KEY_ATTRIBUTE = "broadcaster.url";

    /** What the broadcaster logs. */
    interface Events {
        void joined(String key, WebSocket member, boolean createdRoom);

        void left(String key, WebSocket member, boolean expiredRoom);

        void rejected(String key);
    }

    private final Map<String, Set<WebSocket>> rooms = new ConcurrentHashMap<>();
    private final int maxRooms;
    private final boolean reflexive;
    private final Settings.Policy policy;
    private final Events events;
    /** Each member's queue limit in bytes (--max-write-buffer-size): what STOCHASTIC measures the fill against. */
    private final long queueLimit;

    UrlRooms(int maxRooms, boolean reflexive, Settings.Policy policy, long queueLimit, Events events) {
        this.queueLimit = queueLimit;
        this.maxRooms = maxRooms;
        this.reflexive = reflexive;
        this.policy = policy;
        this.events = events;
    }

    /** Refuses (503) a client that would open one URL more than allowed; remembers the URL on the connection. */
    UpgradeHook upgradeHook() {
        return (request, attributes) -> {
            String key = key(request);
            if (!rooms.containsKey(key) && rooms.size() >= maxRooms) {
                events.rejected(key);
                throw new UpgradeRejectedException(503, "too many URLs (--max-urls " + maxRooms + ")");
            }
            attributes.put(KEY_ATTRIBUTE, key);
        };
    }

    /** Called from onOpen; a client that lost a race for the last room is closed with 1013 (try again later). */
    void join(WebSocket member) {
        String key = member.attribute(KEY_ATTRIBUTE);
        boolean[] created = new boolean[1];
        Set<WebSocket> room = rooms.compute(key, (k, members) -> {
            if (members == null) {
                if (rooms.size() >= maxRooms) {
                    return null;
                }
                members = ConcurrentHashMap.newKeySet();
                created[0] = true;
            }
            members.add(member);
            return members;
        });
        if (room == null) {
            events.rejected(key);
            member.close(CloseCode.TRY_AGAIN_LATER, "too many URLs");
            return;
        }
        events.joined(key, member, created[0]);
    }

    /** Called from onClose, exactly once per joined member. */
    void leave(WebSocket member) {
        String key = member.attribute(KEY_ATTRIBUTE);
        boolean[] present = new boolean[1];
        Set<WebSocket> room = rooms.computeIfPresent(key, (k, members) -> {
            present[0] = members.remove(member);
            return members.isEmpty() ? null : members;
        });
        if (present[0]) {
            events.left(key, member, room == null);
        }
    }

    /** Relays one message of {@code sender} to the other members of its room (and to itself when reflexive). */
    void publish(WebSocket sender, boolean isBinary, byte[] data) {
        Set<WebSocket> room = rooms.get((String) sender.attribute(KEY_ATTRIBUTE));
        if (room == null) {
            return;
        }
        // Framed once; every member's queue gets the same read-only bytes.
        PreparedMessage message = isBinary ? PreparedMessage.binary(data) : PreparedMessage.textUtf8(data);
        for (WebSocket member : room) {
            if (member == sender && !reflexive) {
                continue;
            }
            if (policy == Settings.Policy.STOCHASTIC && dropStochastically(member)) {
                continue;
            }
            SendResult result = member.write(message);
            if (policy == Settings.Policy.BACKPRESSURE_WITH_ERRORS && result == SendResult.CLOSED && room.contains(member)) {
                sender.close(CloseCode.INTERNAL_ERROR, "a receiver of this URL is gone");
                return;
            }
        }
    }

    private boolean dropStochastically(WebSocket member) {
        double fill = (double) member.queuedBytes() / queueLimit;
        double dropProbability = Math.min(1, Math.max(0, (fill - 0.5) * 2));
        return dropProbability > 0 && ThreadLocalRandom.current().nextDouble() < dropProbability;
    }

    /** wsbroad's key: the request target as sent, path and query. */
    static String key(HandshakeRequest request) {
        return request.query() == null ? request.path() : request.path() + "?" + request.query();
    }
}
