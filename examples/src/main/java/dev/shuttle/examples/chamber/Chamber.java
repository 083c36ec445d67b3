package dev.shuttle.examples.chamber;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.hub.Room;

/**
 * What a chamber adds to its hub {@link Room} (it is the room's attachment): the IDs, counted
 * from 0 for as long as the room lives (a new room under the same URL counts from 0 again), and
 * the choice of a message's targets among the room's members. Membership itself is the hub's.
 */
final class Chamber {
    /** Members that joined at least this long ago count as "long-lived" for {@code T*} (the reference's 30 s). */
    static final long ESTABLISHED_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Hall hall;
    private final Room room;
    /** Guarded by the room's lock: the hub runs every onJoin under it. */
    private int nextId;

    Chamber(Hall hall, Room room) {
        this.hall = hall;
        this.room = room;
    }

    Hall hall() {
        return hall;
    }

    String name() {
        return room.key();
    }

    /** The next member's ID; only from the hub's onJoin, which holds the room's lock. */
    int nextId() {
        return nextId++;
    }

    /**
     * Who gets a message with these target items (see {@link Metadata#targets}): members of the
     * room now. A connection whose join has not finished yet (no {@link Member} attached) is
     * skipped: its welcome must come before anything relayed to it.
     */
    List<Member> recipients(Member sender, Set<String> targets) {
        List<Member> out = new ArrayList<>();
        List<Member> members = members();
        if (targets == Metadata.EVERYONE_ELSE || targets.contains(Metadata.EVERYONE)) {
            boolean self = targets != Metadata.EVERYONE_ELSE;
            for (Member m : members) {
                if (self || m != sender) {
                    out.add(m);
                }
            }
            return out;
        }
        for (String target : targets) {
            Member m = byId(members, target);
            if (m != null && !out.contains(m)) {
                out.add(m);
            }
        }
        if (targets.contains(Metadata.ANY_ONE)) {
            Member one = anyOther(members, sender, out);
            if (one != null) {
                out.add(one);
            }
        }
        return out;
    }

    /** The room's members that finished joining, in joining order (which is also ID order). */
    private List<Member> members() {
        List<WebSocket> connections = room.members();
        List<Member> out = new ArrayList<>(connections.size());
        for (WebSocket c : connections) {
            Member m = Member.of(c);
            if (m != null && m.chamber() == this) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * {@code T*}: one member other than the sender and those already chosen, favouring
     * long-lived ones, then those with nothing waiting in their inbox, then those not sending
     * themselves; a random one among the best (the reference shuffles, then sorts).
     */
    private Member anyOther(List<Member> members, Member sender, List<Member> chosen) {
        long now = hall.nanoTime();
        List<Member> best = new ArrayList<>();
        int bestScore = -1;
        for (Member m : members) {
            if (m == sender || chosen.contains(m)) {
                continue;
            }
            int score = (now - m.joinedNanos >= ESTABLISHED_NANOS ? 4 : 0)
                    + (m.inbox.isIdle() ? 2 : 0)
                    + (m.isSending() ? 0 : 1);
            if (score > bestScore) {
                best.clear();
                bestScore = score;
            }
            if (score == bestScore) {
                best.add(m);
            }
        }
        return best.isEmpty() ? null : best.get(ThreadLocalRandom.current().nextInt(best.size()));
    }

    /**
     * The member with this ID written as the server writes it (decimal, no sign, no leading
     * zero), or null. A linear scan: a chamber holds at most CHAMBER_MAX_CONNECTIONS members.
     */
    private static Member byId(List<Member> members, String text) {
        int n = text.length();
        if (n == 0 || n > 9 || (n > 1 && text.charAt(0) == '0')) {
            return null;
        }
        int id = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            id = id * 10 + (c - '0');
        }
        for (Member m : members) {
            if (m.id == id) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "chamber " + name();
    }
}
