/**
 * The built-in listener: plain JDK sockets, one selector-driven poller, no dependency. Start it
 * with {@link dev.shuttle.websocket.WebSocketServer#listen(java.net.InetSocketAddress)} or
 * {@link dev.shuttle.websocket.standalone.Listener#start}; a
 * {@link dev.shuttle.websocket.standalone.HttpHandler} may answer plain GET requests next to the
 * WebSocket. Its {@code close()} sends 1001 to every client.
 */
package dev.shuttle.websocket.standalone;
