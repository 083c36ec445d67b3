package dev.shuttle.examples.chamber;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.WebSocket;

/**
 * The members of one chamber URL, with IDs counted from 0 for as long as the chamber lives (it
 * ends with its last member; a new one under the same URL counts from 0 again). Joining and
 * leaving take the chamber's lock, so every member sees the same order of {@code H} and
 * {@code B} notices and a newcomer's {@code I…:H…} lists exactly the members told of it.
 * Choosing the targets of a message reads the members without the lock.
 */
final class Chamber {
    /** Members that joined at least this long ago count as "long-lived" for {@code T*} (the reference's 30 s). */
    static final long ESTABLISHED_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** The chamber holds CHAMBER_MAX_CONNECTIONS members already. */
    static final class FullException extends Exception {
        private static final long serialVersionUID = 1L;

        FullException() {
            super("Chamber is full", null, false, false);
        }
    }

    private final Hall hall;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    /** By ID, which is also join order. Written under {@link #lock}, read freely. */
    private final ConcurrentSkipListMap<Integer, Member> members = new ConcurrentSkipListMap<>();
    // Guarded by lock.
    private int nextId;
    private boolean ended;

    Chamber(Hall hall, String name) {
        this.hall = hall;
        this.name = name;
    }

    String name() {
        return name;
    }

    int size() {
        return members.size();
    }

    /**
     * Adds the connection with the next ID: every member is told {@code H<id>} and the newcomer
     * gets {@code I<id>} with {@code :H<n>} for each member already there, before anything else.
     * Returns null when the chamber has just ended (its last member left): join a new one.
     */
    Member join(WebSocket connection) throws FullException {
        HallSpec limits = hall.spec();
        lock.lock();
        try {
            if (ended) {
                return null;
            }
            if (members.size() >= limits.chamberMaxConnections()) {
                throw new FullException();
            }
            int id = nextId++;
            Member member = new Member(this, id, connection, hall.nanoTime(), limits, hall.maxOutbound());
            Inbox inbox = member.inbox;
            StringBuilder welcome = new StringBuilder("I").append(id);
            for (Member m : members.values()) {
                welcome.append(":H").append(m.id);
                m.inbox.notice("H" + id);
            }
            // The welcome is queued before the member becomes visible to senders, so it comes first.
            inbox.notice(welcome.toString());
            members.put(id, member);
            return member;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The member's connection closed (or is closing: it stopped reading): its message in
     * flight is cut short where it was going out ({@code X}), then everyone left is told
     * {@code B<id>}. The last one out ends the chamber. Idempotent.
     */
    void leave(Member member) {
        Transfer unfinished = member.stopSending();
        lock.lock();
        try {
            if (members.remove(member.id, member)) {
                member.inbox.discard();
                for (Member m : members.values()) {
                    if (unfinished != null) {
                        m.inbox.senderGone(unfinished);
                    }
                    m.inbox.notice("B" + member.id);
                }
                hall.log("[chamber " + name + "]: Removed " + member.id);
                if (members.isEmpty()) {
                    ended = true;
                    hall.ended(this);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sender's metadata line did not end within HEADERS_MAX_LENGTH bytes: it is closed with
     * 4000 and out of the chamber at once (the reference drops its socket right away too).
     */
    void metadataTooLong(Member member) {
        hall.closeWith(member.connection, EchoChamberServer.HEADER_TOO_LARGE, "Header too large");
        leave(member);
    }

    /** The member's inbox closed it with 1008 (it stopped reading); runs on a thread of its own. */
    void tooSlow(Member member) {
        hall.log("Closed socket " + EchoChamberServer.describe(member.connection) + " with 1008 \"Too slow: stopped reading\"");
        leave(member);
    }

    /** Who gets a message with these target items (see {@link Metadata#targets}). */
    List<Member> recipients(Member sender, Set<String> targets) {
        List<Member> out = new ArrayList<>();
        if (targets == Metadata.EVERYONE_ELSE || targets.contains(Metadata.EVERYONE)) {
            boolean self = targets != Metadata.EVERYONE_ELSE;
            for (Member m : members.values()) {
                if (self || m != sender) {
                    out.add(m);
                }
            }
            return out;
        }
        for (String target : targets) {
            Member m = byId(target);
            if (m != null) {
                out.add(m);
            }
        }
        if (targets.contains(Metadata.ANY_ONE)) {
            Member one = anyOther(sender, out);
            if (one != null) {
                out.add(one);
            }
        }
        return out;
    }

    /**
     * {@code T*}: one member other than the sender and those already chosen, favouring
     * long-lived ones, then those with nothing waiting in their inbox, then those not sending
     * themselves; a random one among the best (the reference shuffles, then sorts).
     */
    private Member anyOther(Member sender, List<Member> chosen) {
        long now = hall.nanoTime();
        List<Member> best = new ArrayList<>();
        int bestScore = -1;
        for (Member m : members.values()) {
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

    /** The member with this ID written as the server writes it (decimal, no sign, no leading zero), or null. */
    private Member byId(String text) {
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
        return members.get(id);
    }

    @Override
    public String toString() {
        return "chamber " + name;
    }
}
