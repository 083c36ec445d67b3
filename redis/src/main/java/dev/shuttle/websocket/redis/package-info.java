/**
 * A {@link dev.shuttle.websocket.hub.Hub} joined to Redis pub/sub with Lettuce:
 * {@link dev.shuttle.websocket.redis.RedisBridge}.
 */
package dev.shuttle.websocket.redis;
