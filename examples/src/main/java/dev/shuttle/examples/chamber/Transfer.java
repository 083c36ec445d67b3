package dev.shuttle.examples.chamber;

/**
 * The identity of one message on its way through a chamber: a member's relayed message, or one
 * of the chamber's own notices ({@code I…}, {@code H…}, {@code B…}). Receivers' {@link Inbox}es
 * tell messages apart by it, so that the fragments of one are never mixed with another's.
 */
final class Transfer {
    /** Who sends it, or null for the chamber's own notices. */
    final Member from;

    Transfer(Member from) {
        this.from = from;
    }

    static Transfer notice() {
        return new Transfer(null);
    }

    @Override
    public String toString() {
        return from == null ? "notice" : "message from " + from.id;
    }
}
