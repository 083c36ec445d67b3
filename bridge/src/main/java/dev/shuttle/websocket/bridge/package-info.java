/**
 * What every broker bridge shares: a {@link dev.shuttle.websocket.bridge.HubBridge} joins a
 * {@link dev.shuttle.websocket.hub.Hub} to a broker through a {@link dev.shuttle.websocket.bridge.BrokerLink}
 * (NATS in {@code shuttle-nats}, Redis in {@code shuttle-redis}); messages travel in an
 * {@link dev.shuttle.websocket.bridge.Envelope} encoded by {@link dev.shuttle.websocket.bridge.EnvelopeCodec};
 * {@link dev.shuttle.websocket.bridge.Backoff} spaces the reconnects and
 * {@link dev.shuttle.websocket.bridge.PubSubConfig} reads nbio-websocket's {@code WS_PUBSUB_*} variables.
 */
package dev.shuttle.websocket.bridge;
