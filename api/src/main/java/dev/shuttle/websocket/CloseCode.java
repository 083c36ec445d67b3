package dev.shuttle.websocket;

/** Close status codes of RFC 6455 §7.4.1 and the rules for which may appear on the wire (§7.4.2). */
public final class CloseCode {
    /** The purpose for which the connection was established has been fulfilled. */
    public static final int NORMAL = 1000;
    /** The endpoint is going away: a server shutting down, a browser leaving the page. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol (bad framing, bad mask, bad opcode, ...). */
    public static final int PROTOCOL_ERROR = 1002;
    /** The endpoint cannot accept this kind of data. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS = 1005;
    /** Reported locally when the connection dropped without a close frame; never sent. */
    public static final int ABNORMAL = 1006;
    /** A text message was not valid UTF-8, or data did not match its type. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message violated the endpoint's policy (also: a slow consumer closed by its policy). */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame or message exceeded the configured size limits. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The client expected the server to negotiate an extension it did not. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The endpoint hit an unexpected condition (a handler threw, for example). */
    public static final int INTERNAL_ERROR = 1011;
    /** IANA-registered: the service is restarting. */
    public static final int SERVICE_RESTART = 1012;
    /** IANA-registered: try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** IANA-registered: a gateway received an invalid response. */
    public static final int BAD_GATEWAY = 1014;
    /** Reported locally when the TLS handshake failed; never sent. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseCode() {
    }

    /**
     * Whether a code may be carried by a close frame (§7.4.1, §7.4.2 and the IANA registry):
     * 1000-1003, 1007-1014 and the 3000-4999 ranges. 1004, 1005, 1006, 1015 and anything
     * else are a protocol error (1002) when received.
     *
     * @param code a close code
     * @return whether a peer may send it in a close frame (RFC 6455 §7.4: 1000-1003, 1007-1014, 3000-4999)
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
