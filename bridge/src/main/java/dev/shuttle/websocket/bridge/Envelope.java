package dev.shuttle.websocket.bridge;

import java.util.Objects;
import java.util.UUID;

/**
 * One message on its way between instances.
 *
 * @param instance the instance that published it (a receiver skips its own)
 * @param room the room's key
 * @param messageId the publisher's sequence number, increasing by one per message it published
 * @param binary whether the payload is binary (otherwise UTF-8 text)
 * @param payload the message's bytes (not copied)
 */
public record Envelope(UUID instance, String room, long messageId, boolean binary, byte[] payload) {
    /**
     * Checks that nothing is missing.
     *
     * @param instance the publishing instance
     * @param room the room's key
     * @param messageId the publisher's sequence number
     * @param binary binary or text
     * @param payload the bytes
     */
    public Envelope {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(payload, "payload");
    }
}
