/**
 * Shuttle: a WebSocket library (RFC 6455, RFC 7692) on virtual threads.
 * {@code dev.shuttle.websocket} is the user API, {@code spi} is what server adapters implement,
 * {@code standalone} is the built-in listener; everything under {@code internal} is private.
 */
module dev.shuttle.websocket {
    // TCP keepalive timings (jdk.net.ExtendedSocketOptions); part of every JDK.
    requires jdk.net;

    exports dev.shuttle.websocket;
    exports dev.shuttle.websocket.auth;
    exports dev.shuttle.websocket.hub;
    exports dev.shuttle.websocket.limit;
    exports dev.shuttle.websocket.metrics;
    exports dev.shuttle.websocket.spi;
    exports dev.shuttle.websocket.standalone;
}
