/**
 * Shuttle on Jetty 12 core: {@link dev.shuttle.websocket.jetty.JettyWebSocket#handler} upgrades
 * WebSocket requests in front of the application's handler, and
 * {@link dev.shuttle.websocket.jetty.JettyWebSocket#guardRequestHeads} bounds slow and huge request
 * heads on the connector.
 */
package dev.shuttle.websocket.jetty;
