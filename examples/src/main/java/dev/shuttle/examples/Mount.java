package dev.shuttle.examples;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * One way to serve an example ({@code --transport}): the WebSocket endpoint on every request that
 * asks for an upgrade, the page at {@code /} and {@code /health} (see {@link Pages}) on the rest.
 */
@FunctionalInterface
interface Mount {
    /** A started server. */
    interface Running extends AutoCloseable {
        /** The bound port (the real one when 0 was asked for). */
        int port();

        /** Closes every client with 1001, then stops the server. Idempotent. */
        @Override
        void close();
    }

    Running start(Example example, InetSocketAddress address) throws IOException;

    /** The transports {@code --transport} accepts, the default first. */
    String NAMES = "builtin|undertow";

    /** The mount of a {@code --transport} name, or null for an unknown name. */
    static Mount named(String name) {
        return switch (name) {
            case "builtin" -> Mount::builtin;
            case "undertow" -> UndertowMount::start;
            default -> null;
        };
    }

    /** Shuttle's own listener; its close() already sends 1001 to every client. */
    private static Running builtin(Example example, InetSocketAddress address) throws IOException {
        Listener listener = example.server().listen(ListenerOptions.builder()
                .address(address)
                .httpHandler(Pages.handler(example.title(), example.explanation()))
                .build());
        return new Running() {
            @Override
            public int port() {
                return listener.port();
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }
}
