package dev.shuttle.websocket.bridge;

/**
 * A bridge's counters at one moment.
 *
 * @param published envelopes handed to the broker
 * @param received envelopes that came from the broker and were well formed (own ones included)
 * @param skippedOwn received envelopes this instance had published itself (not delivered again)
 * @param lost local publishes that never reached the broker: the outgoing queue was full, the
 *        broker was unreachable, or the broker refused them
 * @param decodeErrors received bytes that were no valid envelope (dropped)
 * @param reconnects successful connections after the first
 * @param inboundDropped received envelopes dropped because the inbound queue was full
 * @param subscribedRooms rooms currently subscribed at the broker
 */
public record BridgeStats(long published, long received, long skippedOwn, long lost, long decodeErrors,
                          long reconnects, long inboundDropped, int subscribedRooms) {
}
