package dev.shuttle.websocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server did not accept the client's opening handshake (RFC 6455 §4.1): it answered with
 * another status than 101, or its 101 failed a check the client must make (Upgrade, Connection,
 * Sec-WebSocket-Accept, a subprotocol or extension that was not offered). The status and the
 * response headers are kept so that the caller can act on them, e.g. a 401 with
 * {@code WWW-Authenticate} or a redirect's {@code Location}.
 */
public class WebSocketHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status of the answer, or 0. */
    private final int status;
    private final transient Map<String, List<String>> headers;

    /**
     * A refused or invalid answer to the client's opening handshake.
     *
     * @param message what was wrong
     * @param status  the HTTP status of the response, or 0 when the response was not valid HTTP
     * @param headers the response headers as received (names compare case-insensitively here)
     */
    public WebSocketHandshakeException(String message, int status, Map<String, List<String>> headers) {
        super(message);
        this.status = status;
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        }
        this.headers = Collections.unmodifiableMap(copy);
    }

    /** {@return the HTTP status of the server's answer (101 when the 101 itself failed a check), 0 when it was not HTTP} */
    public int status() {
        return status;
    }

    /** {@return every response header, by name (case-insensitive lookup), each with its values in order} */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The values of one response header, empty when absent.
     *
     * @param name the header's name, case-insensitive
     * @return the values
     */
    public List<String> headers(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : new ArrayList<>(values);
    }

    /**
     * The first value of a response header, or {@code null}.
     *
     * @param name the header's name, case-insensitive
     * @return the value
     */
    public String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
