package dev.shuttle.websocket.bridge;

/**
 * One broker as a {@link HubBridge} sees it: a connection that the bridge's supervisor opens,
 * watches and opens again, room subscriptions, and publishes. The broker's own client must not
 * reconnect by itself: the bridge owns reconnecting (with {@link Backoff}) so that it knows when
 * the broker was unreachable, counts what was lost then, and resubscribes on each new connection.
 * <p>
 * Threads: {@link #connect}, {@link #subscribe}, {@link #unsubscribe} and {@link #disconnect}
 * run on the bridge's supervisor thread only; {@link #publish} on its drainer thread only;
 * {@link #isConnected} anywhere.
 */
public interface BrokerLink {
    /** What the link calls for every message that arrives on a subscribed room. */
    @FunctionalInterface
    interface Inbound {
        /**
         * A message arrived; must not block for long (it may run on the client's I/O thread).
         *
         * @param room the room of the subscription it arrived on, or {@code null} when the broker
         *        cannot tell (the envelope's own room is then trusted)
         * @param envelope the raw bytes, not yet checked
         */
        void received(String room, byte[] envelope);
    }

    /**
     * Opens a new connection, with no subscriptions, and returns when it is usable.
     *
     * @param inbound where arriving messages go
     * @param lost to run (from any thread, possibly more than once) when the connection ends
     * @throws Exception when the broker cannot be reached; the bridge retries after a backoff
     */
    void connect(Inbound inbound, Runnable lost) throws Exception;

    /** {@return whether the current connection is open} */
    boolean isConnected();

    /**
     * Publishes to a room without waiting for the broker's answer.
     *
     * @param room the room's key
     * @param envelope the encoded envelope
     * @param refused to run when the broker later refuses or loses this publish
     * @throws Exception when it cannot be handed to the connection at all
     */
    void publish(String room, byte[] envelope, Runnable refused) throws Exception;

    /**
     * Subscribes to a room on the current connection.
     *
     * @param room the room's key
     * @throws Exception when the broker did not take the subscription
     */
    void subscribe(String room) throws Exception;

    /**
     * Ends a room's subscription on the current connection.
     *
     * @param room the room's key
     * @throws Exception when the broker did not take it
     */
    void unsubscribe(String room) throws Exception;

    /** Closes the current connection, if any; idempotent. */
    void disconnect();

    /** The bridge is closed for good: disconnect and free the client's threads and buffers. */
    default void close() {
        disconnect();
    }

    /** {@return the broker's address for logs, without credentials} */
    String describe();
}
