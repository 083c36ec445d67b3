/**
 * A {@link dev.shuttle.websocket.hub.Hub} joined to NATS core pub/sub with jnats:
 * {@link dev.shuttle.websocket.nats.NatsBridge}.
 */
package dev.shuttle.websocket.nats;
