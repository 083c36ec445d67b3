/**
 * Shuttle in a Servlet 6 container (Tomcat 11, Jetty 12 ee10 and ee11, Undertow):
 * {@link dev.shuttle.websocket.servlet.WebSocketServlet} for a dedicated path,
 * {@link dev.shuttle.websocket.servlet.WebSocketFilter} when pages and the WebSocket share paths,
 * and {@link dev.shuttle.websocket.servlet.TomcatWebSocket} for a Tomcat connector whose request
 * heads are bounded.
 */
package dev.shuttle.websocket.servlet;
