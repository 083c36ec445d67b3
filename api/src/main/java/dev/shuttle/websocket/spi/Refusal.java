package dev.shuttle.websocket.spi;

import java.util.Map;

import dev.shuttle.websocket.WebSocket;

/** An {@link Upgrade} refused by the adapter itself, before the server is asked ({@link Upgrade#refusal}). */
record Refusal(int status, String body) implements Upgrade {
    @Override
    public boolean accepted() {
        return false;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Connection", "close");
    }

    @Override
    public WebSocket start(Transport transport) {
        throw new IllegalStateException("refused with " + status);
    }
}
