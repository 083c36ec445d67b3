package dev.shuttle.websocket.hub;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;

/**
 * Told of every {@link Hub#publish} after the local delivery, on the publishing thread, also
 * when the room has no local member: where a bridge forwards messages to other instances
 * (through a broker) or a history records them. Messages delivered with
 * {@link Hub#deliverLocally} are not reported. It must not block for long: it runs on the
 * publisher's thread, often a connection's reader.
 */
@FunctionalInterface
public interface PublishListener {
    /**
     * A message was published.
     *
     * @param key the room's key
     * @param message the message
     * @param sender the publishing member, or {@code null}
     */
    void published(String key, PreparedMessage message, WebSocket sender);
}
