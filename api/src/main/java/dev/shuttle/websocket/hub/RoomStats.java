package dev.shuttle.websocket.hub;

/**
 * Counters of one {@link Room} since it was created, read without locking (each figure is exact,
 * the set of figures is not one atomic snapshot).
 *
 * @param members the members now
 * @param messages messages published to the room
 * @param deliveries messages queued to members (a message to n receivers counts n)
 * @param bytes payload bytes published (each message once)
 * @param dropped deliveries left out by the slow-consumer policy ({@code DROP}, {@code STOCHASTIC})
 *        or refused by a member that was closing
 * @param closedSlow members closed by the {@code CLOSE} policy
 * @param sendersClosed senders disconnected by {@code BACKPRESSURE_WITH_ERRORS}
 */
public record RoomStats(int members, long messages, long deliveries, long bytes, long dropped, long closedSlow,
                        long sendersClosed) {
}
