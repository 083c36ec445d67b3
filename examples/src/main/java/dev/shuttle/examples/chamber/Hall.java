package dev.shuttle.examples.chamber;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.HubListener;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.hub.RoomLimitException;

/**
 * The chambers under one URL prefix: a {@link Hub} whose rooms are the chambers, keyed by the
 * whole request target ({@code path?query}, as the reference keys them), with MAX_CHAMBERS as
 * the hub's room limit and CHAMBER_MAX_CONNECTIONS as its members per room. The hub's presence
 * events, which run under the room's lock in join and leave order, number the members and tell
 * everyone {@code I}/{@code H}/{@code B}, so every member sees the same order of notices and a
 * newcomer's {@code I…:H…} lists exactly the members told of it.
 * <p>
 * The hub's publish is not used: messages are relayed frame by frame ({@link Member},
 * {@link Inbox}) to the members the hub holds.
 */
final class Hall {
    private final HallSpec spec;
    private final long maxOutbound;
    private final LongSupplier nanoTime;
    private final Consumer<String> log;
    private final Hub hub;

    Hall(HallSpec spec, long maxOutbound, LongSupplier nanoTime, Consumer<String> log) {
        this.spec = spec;
        this.maxOutbound = maxOutbound;
        this.nanoTime = nanoTime;
        this.log = log;
        this.hub = Hub.builder()
                .maxRooms(spec.maxChambers())
                .maxMembersPerRoom(spec.chamberMaxConnections())
                .listener(new Presence())
                .build();
    }

    HallSpec spec() {
        return spec;
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    void log(String line) {
        log.accept(line);
    }

    int chambers() {
        return hub.roomCount();
    }

    /**
     * Puts an upgraded connection in the chamber named {@code key}, making the chamber if need
     * be. A full chamber, or one chamber too many, closes the connection with 1013 (the upgrade
     * has happened already, as in the reference; so no {@link Hub#upgradeHook} 503 here) and
     * returns null, as does a connection that ended before it could join.
     */
    Member join(String key, WebSocket connection) {
        try {
            hub.join(key, connection);
        } catch (RoomLimitException e) {
            closeWith(connection, CloseCode.TRY_AGAIN_LATER,
                    e.reason() == RoomLimitException.Reason.ROOM_FULL ? "Chamber is full" : "Too many chambers");
            return null;
        } catch (IllegalStateException e) {
            return null; // it ended already; the hub holds nothing of it
        }
        Member member = Member.of(connection);
        if (member != null) {
            log("[chamber " + key + "]: Added " + EchoChamberServer.describe(connection) + " as " + member.id);
        }
        return member;
    }

    /**
     * Takes a member out of its chamber while its connection is still closing, so that the
     * others hear {@code B} now rather than after the close handshake. Idempotent; the hub
     * removes a connection that ends by itself.
     */
    void leave(Member member) {
        hub.leave(member.chamber().name(), member.connection);
    }

    /**
     * The sender's metadata line did not end within HEADERS_MAX_LENGTH bytes: it is closed with
     * 4000 (the reference drops its socket right away too); the caller then {@link #leave}s it.
     */
    void metadataTooLong(Member member) {
        closeWith(member.connection, EchoChamberServer.HEADER_TOO_LARGE, "Header too large");
    }

    /** The member's inbox closed it with 1008 (it stopped reading); runs on a thread of its own. */
    void tooSlow(Member member) {
        log("Closed socket " + EchoChamberServer.describe(member.connection) + " with 1008 \"Too slow: stopped reading\"");
        leave(member);
    }

    void closeWith(WebSocket connection, int code, String reason) {
        log("Closed socket " + EchoChamberServer.describe(connection) + " with " + code + " \"" + reason + "\"");
        connection.close(code, reason);
    }

    /**
     * The chamber protocol's presence, on the hub's events. They run under the room's lock:
     * they only queue notices (never wait for a reader), and they take a member's relay lock and
     * inboxes' locks, in that order, never the other way round.
     */
    private final class Presence implements HubListener {
        @Override
        public void onRoomCreated(Room room) {
            room.attachment(new Chamber(Hall.this, room));
            log("Created chamber " + room.key());
        }

        /**
         * Numbers the newcomer, welcomes it with {@code I<id>:H<n>…}, makes it a target (attaches
         * its {@link Member}), then tells each member already there {@code H<id>}. In that order:
         * the welcome comes before anything relayed to the newcomer, and a member that reacts to
         * {@code H<id>} at once finds the newcomer among the targets. The newcomer cannot send
         * before all are told: this runs in its onOpen, and its frames wait for it.
         */
        @Override
        public void onJoin(Room room, WebSocket connection, List<WebSocket> others) {
            Chamber chamber = (Chamber) room.attachment();
            int id = chamber.nextId();
            Member member = new Member(chamber, id, connection, nanoTime(), spec, maxOutbound);
            List<Member> told = new ArrayList<>(others.size());
            StringBuilder welcome = new StringBuilder("I").append(id);
            for (WebSocket other : others) {
                Member m = Member.of(other);
                if (m != null) {
                    welcome.append(":H").append(m.id);
                    told.add(m);
                }
            }
            member.inbox.notice(welcome.toString());
            member.attach();
            for (Member m : told) {
                m.inbox.notice("H" + id);
            }
        }

        /**
         * The member's message in flight is cut short where it was going out ({@code X}), then
         * everyone left is told {@code B<id>}.
         */
        @Override
        public void onLeave(Room room, WebSocket connection, int closeCode) {
            Member member = Member.of(connection);
            if (member == null || member.chamber() != room.attachment()) {
                return;
            }
            Transfer unfinished = member.stopSending();
            member.inbox.discard();
            for (WebSocket other : room.members()) {
                Member m = Member.of(other);
                if (m == null) {
                    continue;
                }
                if (unfinished != null) {
                    m.inbox.senderGone(unfinished);
                }
                m.inbox.notice("B" + member.id);
            }
            log("[chamber " + room.key() + "]: Removed " + member.id);
        }

        @Override
        public void onRoomExpired(Room room) {
            log("Removed chamber " + room.key());
        }
    }
}
