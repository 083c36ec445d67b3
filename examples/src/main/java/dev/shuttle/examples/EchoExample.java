package dev.shuttle.examples;

import java.nio.charset.StandardCharsets;

import dev.shuttle.websocket.WebSocketServer;

/** Sends every message back to its sender: text as text, binary as binary. */
public final class EchoExample extends Example {
    private final WebSocketServer server = WebSocketServer.builder()
            .onOpen(c -> System.out.println("open " + describe(c.remoteAddress())))
            .onData((c, isBinary, data) -> {
                // The callback owns `data`, so the binary echo can hand the array over uncopied.
                if (isBinary) {
                    c.write(data);
                } else {
                    c.write(new String(data, StandardCharsets.UTF_8));
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
