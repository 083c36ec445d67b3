/**
 * Spring Boot 4 auto-configuration: the application's {@code WebSocketServer} bean served at
 * {@code shuttle.websocket.path} on Boot's servlet server, Tomcat or Jetty
 * ({@link dev.shuttle.websocket.spring.ShuttleWebSocketAutoConfiguration}), options from
 * {@link dev.shuttle.websocket.spring.ShuttleWebSocketProperties}, 1001 on shutdown
 * ({@link dev.shuttle.websocket.spring.ShuttleWebSocketLifecycle}).
 */
package dev.shuttle.websocket.spring;
