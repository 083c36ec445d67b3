package dev.shuttle.websocket.auth;

/**
 * Where in the upgrade request a bearer token travels. Each one is enabled on
 * {@link BearerAuth.Builder}; only {@link #HEADER} is on by default. When a request carries
 * tokens in several enabled carriers, the first in this order is used.
 */
public enum Carrier {
    /** {@code Authorization: Bearer <token>} (RFC 6750 §2.1); what non-browser clients send. */
    HEADER,
    /**
     * A {@code Sec-WebSocket-Protocol} entry {@code bearer.<token>} offered beside the real
     * subprotocol, because a browser's {@code new WebSocket(url, protocols)} cannot set headers.
     */
    SUBPROTOCOL,
    /** A query parameter, {@code access_token} by default (RFC 6750 §2.3); it ends up in access logs. */
    QUERY,
    /** A cookie of a configured name; ambient, so pair it with an Origin allow-list. */
    COOKIE
}
