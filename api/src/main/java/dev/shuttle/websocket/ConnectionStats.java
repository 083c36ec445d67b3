package dev.shuttle.websocket;

/**
 * A snapshot of one connection's counters. Messages count whole data messages; bytes count
 * payload bytes of data messages (not headers, not control frames).
 *
 * @param messagesIn  data messages received
 * @param bytesIn     payload bytes of data messages received
 * @param messagesOut data messages queued for sending
 * @param bytesOut    payload bytes of data messages queued for sending
 * @param dropped     messages refused by the overflow policy (dropped or timed out)
 */
public record ConnectionStats(long messagesIn, long bytesIn, long messagesOut, long bytesOut, long dropped) {
}
