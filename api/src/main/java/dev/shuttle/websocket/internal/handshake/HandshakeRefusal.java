package dev.shuttle.websocket.internal.handshake;

import java.util.Map;

/** Why an upgrade request is refused: the HTTP status, a short plain-text reason and extra response headers. */
public record HandshakeRefusal(int status, String reason, Map<String, String> headers) {
    public HandshakeRefusal {
        headers = Map.copyOf(headers);
    }
}
