package dev.shuttle.websocket.bridge;

import java.util.Objects;
import java.util.UUID;

/**
 * The settings every bridge shares; {@code NatsBridge.builder()} and {@code RedisBridge.builder()}
 * extend it.
 *
 * @param <B> the concrete builder
 */
public abstract class BridgeBuilder<B extends BridgeBuilder<B>> {
    /** nbio-websocket's default channel. */
    public static final String DEFAULT_CHANNEL = "websocket.broadcast";
    /** The default outgoing and inbound queue capacity, in messages. */
    public static final int DEFAULT_QUEUE = 8192;
    /** The default largest payload: the engine's default largest message, 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD = 1 << 20;

    String url;
    String channel = DEFAULT_CHANNEL;
    UUID instanceId = UUID.randomUUID();
    int outgoingQueue = DEFAULT_QUEUE;
    int inboundQueue = DEFAULT_QUEUE;
    int maxRoomBytes = EnvelopeCodec.DEFAULT_MAX_ROOM_BYTES;
    int maxPayload = DEFAULT_MAX_PAYLOAD;
    Backoff backoff = Backoff.DEFAULT;

    /** For the concrete builders. */
    protected BridgeBuilder() {
    }

    /** {@return this builder, typed} */
    protected abstract B self();

    /**
     * The broker's URL ({@code nats://host:port}, {@code redis://host:port/db}).
     *
     * @param url the URL
     * @return this builder
     */
    public B url(String url) {
        this.url = Objects.requireNonNull(url, "url");
        return self();
    }

    /**
     * The prefix every room's subject or channel is named under; instances that share it share
     * rooms. Default {@value #DEFAULT_CHANNEL}.
     *
     * @param channel the channel
     * @return this builder
     */
    public B channel(String channel) {
        if (Objects.requireNonNull(channel, "channel").isEmpty()) {
            throw new IllegalArgumentException("channel must not be empty");
        }
        this.channel = channel;
        return self();
    }

    /**
     * This instance's id in its envelopes (default random): what it skips when its own messages
     * come back. Two instances must never share one.
     *
     * @param id the id
     * @return this builder
     */
    public B instanceId(UUID id) {
        this.instanceId = Objects.requireNonNull(id, "id");
        return self();
    }

    /**
     * How many local publishes may wait for the broker; beyond it they are counted as lost and the
     * publisher never waits. Default {@value #DEFAULT_QUEUE}.
     *
     * @param messages the capacity
     * @return this builder
     */
    public B outgoingQueue(int messages) {
        this.outgoingQueue = positive(messages, "outgoingQueue");
        return self();
    }

    /**
     * How many received messages may wait for local delivery; beyond it they are dropped and
     * counted. Default {@value #DEFAULT_QUEUE}.
     *
     * @param messages the capacity
     * @return this builder
     */
    public B inboundQueue(int messages) {
        this.inboundQueue = positive(messages, "inboundQueue");
        return self();
    }

    /**
     * The longest room key carried, in UTF-8 bytes (default 1024, at most 65535); a longer
     * one is not published (lost) and not accepted from the broker (decode error).
     *
     * @param bytes the bound
     * @return this builder
     */
    public B maxRoomBytes(int bytes) {
        if (bytes < 1 || bytes > 0xFFFF) {
            throw new IllegalArgumentException("maxRoomBytes must be in 1..65535: " + bytes);
        }
        this.maxRoomBytes = bytes;
        return self();
    }

    /**
     * The largest payload carried: set it to the servers' largest message (default 1 MiB).
     *
     * @param bytes the bound
     * @return this builder
     */
    public B maxPayload(int bytes) {
        this.maxPayload = positive(bytes, "maxPayload");
        return self();
    }

    /**
     * The delays between reconnect attempts (default 100 ms doubling to 5 s, with jitter).
     *
     * @param backoff the backoff
     * @return this builder
     */
    public B backoff(Backoff backoff) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        return self();
    }

    /** {@return the broker's URL, checked to be set} */
    public String brokerUrl() {
        if (url == null) {
            throw new IllegalStateException("url is not set");
        }
        return url;
    }

    /** {@return the channel} */
    public String channelName() {
        return channel;
    }

    /** {@return this instance's id} */
    public UUID instanceIdValue() {
        return instanceId;
    }

    /** {@return how many local publishes may wait for the broker} */
    public int outgoingQueueValue() {
        return outgoingQueue;
    }

    /** {@return the longest room key carried, in UTF-8 bytes} */
    public int maxRoomBytesValue() {
        return maxRoomBytes;
    }

    /** {@return the largest payload carried} */
    public int maxPayloadValue() {
        return maxPayload;
    }

    /** {@return the delays between reconnect attempts} */
    public Backoff backoffValue() {
        return backoff;
    }

    private static int positive(int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + n);
        }
        return n;
    }
}
