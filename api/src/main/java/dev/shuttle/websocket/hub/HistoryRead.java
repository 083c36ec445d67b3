package dev.shuttle.websocket.hub;

import java.util.List;
import java.util.Objects;

/**
 * What {@link HistoryStore#read} answers: the messages after a position, or a gap when the
 * history cannot say what came after it.
 */
public sealed interface HistoryRead permits HistoryRead.Entries, HistoryRead.Gap {

    /**
     * The messages after the position asked for, oldest first, with consecutive offsets starting
     * at that position's offset plus one; empty when nothing came after it (yet).
     *
     * @param entries at most the {@code max} asked for
     */
    record Entries(List<HistoryEntry> entries) implements HistoryRead {
        /**
         * Keeps a read-only copy of the list.
         *
         * @param entries the entries
         */
        public Entries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The history does not cover what came after {@code since}: the member missed messages that
     * can no longer be given to it (or the position was never valid), so the application should
     * tell it to reload its state.
     *
     * @param reason why
     * @param since the position asked for, or {@code null} when the peer's text was not a position
     * @param current the room's position now (its epoch and last offset; offset 0 when nothing
     *        has been published in that epoch), or {@code null} when unknown
     */
    record Gap(Reason reason, Position since, Position current) implements HistoryRead {
        /**
         * Checks the reason.
         *
         * @param reason the reason
         * @param since the position asked for
         * @param current the room's position now
         */
        public Gap {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a history cannot continue from a position. */
    enum Reason {
        /** The position is of another epoch: the history it belonged to was lost (e.g. a restart). */
        EPOCH_CHANGED,
        /** The messages right after the position are no longer kept (count or age limit). */
        TOO_OLD,
        /** The offset is beyond the room's last message: a peer that lies, or a history that was reset. */
        UNKNOWN_POSITION,
        /** The peer's text was not {@code EPOCH:OFFSET}. */
        MALFORMED
    }
}
