/**
 * Rate limits: {@link dev.shuttle.websocket.limit.RateLimit} per connection (messages and bytes
 * per second, token buckets refilled lazily, with {@code DROP}, {@code ERROR} or {@code CLOSE}
 * beyond the limit) and {@link dev.shuttle.websocket.limit.AddressLimits} per remote address
 * (open connections and new connections per second, refused at the upgrade with 429).
 * <pre>{@code
 * AddressLimits perAddress = AddressLimits.builder().maxConnections(20).maxNewPerSecond(5).build();
 * RateLimit perConnection = RateLimit.builder().messagesPerSecond(50).burst(100)
 *     .onExceeded(RateLimit.Action.CLOSE).build();
 * WebSocketServer server = WebSocketServer.builder()
 *     .upgradeHook(perAddress.then(auth))
 *     .handler(perAddress.wrap(perConnection.wrap(handler)))
 *     .build();
 * }</pre>
 */
package dev.shuttle.websocket.limit;
