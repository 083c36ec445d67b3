/**
 * Rooms of connections: a {@link dev.shuttle.websocket.hub.Hub} keyed by URL (or any key),
 * with slow-consumer policies ({@link dev.shuttle.websocket.hub.SlowConsumerPolicy}), room
 * limits, presence events ({@link dev.shuttle.websocket.hub.HubListener}), counters per room, and
 * optionally a bounded history per room with positions and recovery after a reconnect
 * ({@link dev.shuttle.websocket.hub.HistoryStore}, the SPI a broker bridge implements).
 * <pre>{@code
 * Hub hub = Hub.builder().policy(SlowConsumerPolicy.CLOSE).maxRooms(1000).build();
 * WebSocketServer server = WebSocketServer.builder()
 *     .upgradeHook(hub.upgradeHook(null))
 *     .handler(hub.relay())
 *     .build();
 * hub.publish("/news", PreparedMessage.text("framed once, queued to every member"));
 * }</pre>
 */
package dev.shuttle.websocket.hub;
