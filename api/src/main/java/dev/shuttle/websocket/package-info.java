/**
 * Shuttle's user API: a WebSocket library (RFC 6455, RFC 7692 permessage-deflate) whose
 * connections can be written, pinged and closed from any thread.
 *
 * <h2>Quick start</h2>
 * <pre>{@code
 * WebSocketServer ws = WebSocketServer.builder()
 *     .onOpen(c -> System.out.println("open " + c.remoteAddress() + " " + c.path()))
 *     // Runs on the connection's own virtual thread; it may block.
 *     .onData((c, isBinary, data) -> {
 *         if (isBinary) c.write(data);          // binary back as binary
 *         else c.writeText(data);               // text as text (already valid UTF-8)
 *     })
 *     .onClose((c, code, reason, cause) -> System.out.println("close " + code))
 *     .build();
 *
 * Listener listener = ws.listen(new InetSocketAddress("localhost", 8080));   // the built-in listener
 * int queued = ws.broadcast(PreparedMessage.text("news for everyone"));      // encoded once
 *
 * WebSocket client = WebSocketClient.builder()
 *     .onData((c, isBinary, data) -> System.out.println(new String(data, StandardCharsets.UTF_8)))
 *     .build()
 *     .connect(URI.create("ws://localhost:8080/"));
 * client.write("hello");
 * }</pre>
 * The same {@link dev.shuttle.websocket.WebSocketServer} mounts on Jetty 12
 * ({@code shuttle-jetty}), a Servlet 6 container such as Tomcat 11 ({@code shuttle-servlet}),
 * Undertow ({@code shuttle-undertow}) or Spring Boot ({@code shuttle-spring-boot}).
 *
 * <h2>Threads, limits, failures</h2>
 * Callbacks of one connection run one at a time on its reader, a virtual thread
 * ({@link dev.shuttle.websocket.WebSocketHandler}). Writes only enqueue into a queue bounded by
 * {@link dev.shuttle.websocket.Options#maxQueuedBytes()}; when it is full the
 * {@link dev.shuttle.websocket.OverflowPolicy} decides, and the
 * {@link dev.shuttle.websocket.SendResult} says what happened. A frame or message over the limits
 * closes with 1009, invalid UTF-8 with 1007, a protocol error with 1002, a callback that throws
 * with 1011; a peer that vanishes is reported as 1006 ({@link dev.shuttle.websocket.CloseCode}).
 */
package dev.shuttle.websocket;
