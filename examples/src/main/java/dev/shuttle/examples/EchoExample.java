package dev.shuttle.examples;

import dev.shuttle.websocket.WebSocketServer;

/** Sends every message back to its sender: text as text, binary as binary. */
public final class EchoExample extends Example {
    private final WebSocketServer server = WebSocketServer.builder()
            .onOpen(c -> System.out.println("open " + describe(c.remoteAddress())))
            .onData((c, isBinary, data) -> {
                // Text arrives validated as UTF-8, so it goes back without decoding.
                if (isBinary) {
                    c.write(data);
                } else {
                    c.writeText(data);
                }
            })
            .onClose((c, code, reason, cause) ->
                    System.out.println("close " + describe(c.remoteAddress()) + " " + code))
            .build();

    @Override
    public WebSocketServer server() {
        return server;
    }

    @Override
    String title() {
        return "Shuttle echo";
    }

    @Override
    String explanation() {
        return "The server sends every message back to you, text as text and binary as binary.";
    }
}
