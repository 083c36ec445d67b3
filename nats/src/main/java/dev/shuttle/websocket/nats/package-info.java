/**
 * A {@link dev.shuttle.websocket.hub.Hub} joined to NATS with jnats: over core pub/sub,
 * {@link dev.shuttle.websocket.nats.NatsBridge} (at most once, no history); or over JetStream,
 * {@link dev.shuttle.websocket.nats.JetStreamHistory}, a cluster-wide room history (a
 * {@link dev.shuttle.websocket.hub.HistoryStore}) that also carries the messages between
 * instances: one stream per channel over {@code CHANNEL.history.<base64url(room)>}, offsets
 * assigned by the server with {@code Nats-Expected-Last-Subject-Sequence}, a random epoch per
 * room history, and clients that recover on any instance.
 */
package dev.shuttle.websocket.nats;
