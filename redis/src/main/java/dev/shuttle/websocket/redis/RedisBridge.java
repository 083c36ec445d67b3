package dev.shuttle.websocket.redis;

import java.time.Duration;
import java.util.Objects;

import dev.shuttle.websocket.bridge.BridgeBuilder;
import dev.shuttle.websocket.bridge.HubBridge;

/**
 * A hub bridged over Redis pub/sub: each room is the channel {@code CHANNEL:room}, subscribed
 * while the room has local members.
 * <pre>{@code
 * RedisBridge bridge = RedisBridge.builder().url("redis://127.0.0.1:6379/0").channel("websocket.broadcast").build();
 * Hub hub = bridge.attach(Hub.builder());
 * ...
 * bridge.close();
 * }</pre>
 * Redis pub/sub delivers at most once, in order per connection; see {@link HubBridge} for what
 * the bridge adds (own-message skipping, bounded queues, reconnects, counters).
 */
public final class RedisBridge extends HubBridge {
    private RedisBridge(Builder b) {
        super(new RedisLink(b.brokerUrl(), b.channelName(), b.timeout), b);
    }

    /** {@return a builder; {@link Builder#url} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RedisBridge}. */
    public static final class Builder extends BridgeBuilder<Builder> {
        private Duration timeout = Duration.ofSeconds(2);

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * How long a connection attempt or a command (subscribe, publish) may take (default 2 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Builds the bridge; it connects when attached.
         *
         * @return the bridge
         * @throws IllegalArgumentException when the URL is no Redis URL
         */
        public RedisBridge build() {
            return new RedisBridge(this);
        }
    }
}
