package dev.shuttle.websocket.hub;

/**
 * A join refused by a room limit of the {@link Hub}. {@link Hub#relay()} closes such a
 * connection with 1013 (try again later); {@link Hub#upgradeHook} refuses most of them earlier,
 * with 503, when the limit is already reached at the upgrade.
 */
public final class RoomLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which limit refused the join. */
    public enum Reason {
        /** The room did not exist and the hub already has {@link Hub.Builder#maxRooms} rooms. */
        TOO_MANY_ROOMS,
        /** The room already has {@link Hub.Builder#maxMembersPerRoom} members. */
        ROOM_FULL
    }

    /** Which limit refused the join. */
    private final Reason reason;
    /** The key of the room that was to be joined. */
    private final String key;

    RoomLimitException(Reason reason, String key, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.key = key;
    }

    /** {@return which limit refused the join} */
    public Reason reason() {
        return reason;
    }

    /** {@return the key of the room that was to be joined} */
    public String key() {
        return key;
    }
}
