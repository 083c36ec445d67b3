/**
 * Shuttle on Undertow core: {@link dev.shuttle.websocket.undertow.UndertowWebSocket#handler} is an
 * {@code HttpHandler} that upgrades WebSocket requests; {@link
 * dev.shuttle.websocket.undertow.UndertowWebSocket#guardRequestHeads} bounds request heads.
 */
package dev.shuttle.websocket.undertow;
