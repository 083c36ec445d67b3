package dev.shuttle.websocket.internal.handshake;

import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;

/** The opening handshake (RFC 6455 §4) as pure functions over a request view. STUB: contract only. */
public final class Handshake {
    private Handshake() {
    }

    /** Sec-WebSocket-Accept for a Sec-WebSocket-Key (§4.2.2 item 5.4). */
    public static String acceptKey(String key) {
        throw new UnsupportedOperationException("stub");
    }

    /** True when the request asks for a WebSocket upgrade at all (Upgrade: websocket), whatever its other faults. */
    public static boolean isWebSocketUpgrade(HandshakeRequest request) {
        throw new UnsupportedOperationException("stub");
    }

    /** §4.2.1 checks; null for a valid version-13 upgrade request, else the refusal (400, 405, or 426 with Sec-WebSocket-Version: 13). */
    public static HandshakeRefusal validate(HandshakeRequest request) {
        throw new UnsupportedOperationException("stub");
    }

    /** Whether an Origin header value passes the allow-list; an empty list allows everything. */
    public static boolean originAllowed(String origin, List<String> allowed) {
        throw new UnsupportedOperationException("stub");
    }

    /** The first of {@code supported} (server preference) that the request offers in Sec-WebSocket-Protocol, or null. */
    public static String selectSubprotocol(HandshakeRequest request, List<String> supported) {
        throw new UnsupportedOperationException("stub");
    }
}
