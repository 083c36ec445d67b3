package dev.shuttle.examples.chamber;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.WebSocket;

/**
 * One connection in a chamber: its ID, what it receives ({@link #inbox}), and the relay of what
 * it sends. Its frames are passed on as they arrive: the first frame that completes the
 * metadata line picks the targets and goes out as {@code F<id>\n} plus whatever followed the
 * line, and every later frame goes to the same targets. A text frame that ends inside a UTF-8
 * character keeps those bytes for the next frame, so a message cut short ({@code X}) still ends
 * on a character boundary and the receiver's client does not fail it with 1007.
 * <p>
 * The sending side runs on the connection's reader thread, under {@link #sending} because a
 * member may be put out from another thread (the hub's onLeave); {@link #current} is volatile
 * because the chamber reads it when choosing {@code T*} targets. Lock order: the room's lock
 * (hub events), then a relay lock, then inbox locks; so a member never leaves while holding its
 * relay lock.
 */
final class Member {
    /** The connection attribute under which a joined connection carries its member. */
    private static final String ATTRIBUTE = "echo-chamber.member";

    /** After the metadata line: the part of the message that was not relayed yet. */
    private enum State { METADATA, BODY, IGNORED }

    final int id;
    final WebSocket connection;
    final long joinedNanos;
    final Inbox inbox;
    private final Chamber chamber;
    private final int headersMaxLength;
    private final byte[] from;

    // Reader thread only.
    private State state = State.IGNORED;
    private boolean text;
    /** Metadata bytes of frames that did not finish the line yet; allocated only for those. */
    private byte[] metadata;
    private int metadataLength;
    private List<Member> recipients;
    /** The incomplete UTF-8 character at the end of the last relayed text frame. */
    private final byte[] carry = new byte[3];
    private int carryLength;
    /** The message being relayed, or null: what a receiver cuts short if this member leaves mid-message. */
    private volatile Transfer current;
    /** Held while a frame is relayed and while leaving: no frame goes out once the member is gone. */
    private final ReentrantLock sending = new ReentrantLock();
    private boolean gone;
    /** Reader thread only: its metadata line was too long; it leaves once the relay lock is released. */
    private boolean expelled;

    Member(Chamber chamber, int id, WebSocket connection, long joinedNanos, HallSpec limits, long maxOutbound) {
        this.chamber = chamber;
        this.id = id;
        this.connection = connection;
        this.joinedNanos = joinedNanos;
        this.inbox = new Inbox(connection, limits.maxQueueItems(), limits.maxQueueData(), maxOutbound,
                () -> chamber.hall().tooSlow(this));
        this.headersMaxLength = limits.headersMaxLength();
        this.from = ("F" + id + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@return the member a connection became when it joined its chamber, or null} */
    static Member of(WebSocket connection) {
        return connection.attribute(ATTRIBUTE);
    }

    /** Makes this member what {@link #of} finds: a target of others' messages from now on. */
    void attach() {
        connection.attribute(ATTRIBUTE, this);
    }

    Chamber chamber() {
        return chamber;
    }

    /** Mid-message: a target chosen for {@code T*} is better not busy sending. */
    boolean isSending() {
        return current != null;
    }

    /**
     * Relays nothing more from now on and returns the message still being sent, or null: what
     * receivers must cut short. Waits for a frame being relayed, so that none goes out after.
     */
    Transfer stopSending() {
        sending.lock();
        try {
            gone = true;
            return current;
        } finally {
            sending.unlock();
        }
    }

    /** A data frame this member sent (control frames are the engine's business). Reader thread. */
    void onFrame(Frame frame) {
        if (frame.opcode().isControl()) {
            return;
        }
        // Leaving may happen on another thread (a member too slow to read is put out at once).
        sending.lock();
        try {
            if (!gone) {
                relayFrame(frame);
            }
        } finally {
            sending.unlock();
        }
        // Outside the relay lock: leaving takes the room's lock, which is held while a relay lock is taken.
        if (expelled) {
            chamber.hall().leave(this);
        }
    }

    private void relayFrame(Frame frame) {
        if (frame.opcode() != Opcode.CONTINUATION) {
            state = State.METADATA;
            text = frame.opcode() == Opcode.TEXT;
            metadataLength = 0;
            carryLength = 0;
        }
        switch (state) {
            case METADATA -> readMetadata(frame);
            case BODY -> relay(frame, null, frame.payload(), 0);
            case IGNORED -> {
            }
        }
        if (frame.fin()) {
            state = State.IGNORED;
            current = null;
            recipients = null;
        }
    }

    private void readMetadata(Frame frame) {
        byte[] p = frame.payload();
        int room = headersMaxLength - metadataLength;
        int newline = Metadata.newline(p, 0, Math.min(p.length, room));
        if (newline < 0) {
            if (metadataLength + p.length >= headersMaxLength) {
                state = State.IGNORED;
                metadata = null;
                expelled = true;
                chamber.hall().metadataTooLong(this);
                return;
            }
            // A message that ends before its metadata line does is dropped, as the reference does.
            if (metadata == null) {
                metadata = new byte[Math.min(headersMaxLength, Math.max(64, 2 * p.length))];
            } else if (metadata.length < metadataLength + p.length) {
                metadata = java.util.Arrays.copyOf(metadata, Math.min(headersMaxLength, 2 * (metadataLength + p.length)));
            }
            System.arraycopy(p, 0, metadata, metadataLength, p.length);
            metadataLength += p.length;
            return;
        }
        byte[] line;
        if (metadataLength == 0) {
            line = p;
        } else {
            line = java.util.Arrays.copyOf(metadata, metadataLength + newline);
            System.arraycopy(p, 0, line, metadataLength, newline);
        }
        recipients = chamber.recipients(this, Metadata.targets(line, metadataLength + newline));
        metadata = null;
        metadataLength = 0;
        current = new Transfer(this);
        state = State.BODY;
        relay(frame, from, p, newline + 1);
    }

    /** Sends {@code head} (the {@code F} item on the first frame) and {@code p[start..]} to the recipients. */
    private void relay(Frame frame, byte[] head, byte[] p, int start) {
        boolean fin = frame.fin();
        int end = text && !fin ? characterBoundary(p, start, p.length) : p.length;
        int headLength = head == null ? 0 : head.length;
        byte[] payload;
        if (headLength == 0 && carryLength == 0 && start == 0 && end == p.length) {
            payload = p; // the frame as received: no copy
        } else {
            payload = new byte[headLength + carryLength + end - start];
            if (head != null) {
                System.arraycopy(head, 0, payload, 0, headLength);
            }
            System.arraycopy(carry, 0, payload, headLength, carryLength);
            System.arraycopy(p, start, payload, headLength + carryLength, end - start);
        }
        carryLength = p.length - end;
        System.arraycopy(p, end, carry, 0, carryLength);
        Frame out = new Frame(fin, 0, head != null ? (text ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION, payload);
        Transfer transfer = current;
        for (Member r : recipients) {
            r.inbox.offer(transfer, out);
        }
    }

    /**
     * Where the last whole UTF-8 character in {@code p[start, end)} ends: before a trailing lead
     * byte whose sequence is not complete yet. The engine validated the bytes, so at most three
     * are held back.
     */
    static int characterBoundary(byte[] p, int start, int end) {
        for (int i = end - 1; i >= Math.max(start, end - 3); i--) {
            int b = p[i] & 0xFF;
            if (b < 0x80) {
                return end;
            }
            if (b >= 0xC0) {
                int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return end - i >= length ? end : i;
            }
        }
        return end;
    }

    @Override
    public String toString() {
        return chamber.name() + "#" + id;
    }
}
