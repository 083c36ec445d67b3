/**
 * Authentication of the upgrade request: {@link dev.shuttle.websocket.auth.BearerAuth}, an
 * {@link dev.shuttle.websocket.UpgradeHook} for bearer tokens in the {@code Authorization}
 * header, a {@code Sec-WebSocket-Protocol} entry, a cookie or a query parameter, checked against
 * a list, a file or the application's {@link dev.shuttle.websocket.auth.TokenVerifier}.
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *     .upgradeHook(BearerAuth.Builder.fromEnvironment(System.getenv()).subprotocolCarrier().build())
 *     .onOpen(c -> log.info("hello " + BearerAuth.principal(c).name()))
 *     .build();
 * }</pre>
 */
package dev.shuttle.websocket.auth;
