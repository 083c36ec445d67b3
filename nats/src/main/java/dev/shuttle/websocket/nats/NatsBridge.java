package dev.shuttle.websocket.nats;

import java.time.Duration;
import java.util.Objects;

import dev.shuttle.websocket.bridge.BridgeBuilder;
import dev.shuttle.websocket.bridge.HubBridge;

/**
 * A hub bridged over NATS core pub/sub: each room is the subject {@code CHANNEL.<base64url(room)>},
 * subscribed while the room has local members.
 * <pre>{@code
 * NatsBridge bridge = NatsBridge.builder().url("nats://127.0.0.1:4222").channel("websocket.broadcast").build();
 * Hub hub = bridge.attach(Hub.builder());
 * ...
 * bridge.close();
 * }</pre>
 * NATS core delivers at most once, in order per connection; see {@link HubBridge} for what the
 * bridge adds (own-message skipping, bounded queues, reconnects, counters).
 */
public final class NatsBridge extends HubBridge {
    private NatsBridge(Builder b) {
        super(new NatsLink(b.brokerUrl(), b.channelName(), b.connectTimeout), b);
    }

    /** {@return a builder; {@link Builder#url} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link NatsBridge}. */
    public static final class Builder extends BridgeBuilder<Builder> {
        private Duration connectTimeout = Duration.ofSeconds(2);

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * How long a connection attempt, and a subscription's confirmation, may take (default 2 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Builds the bridge; it connects when attached.
         *
         * @return the bridge
         * @throws IllegalArgumentException when the channel is no NATS subject without wildcards
         */
        public NatsBridge build() {
            return new NatsBridge(this);
        }
    }
}
