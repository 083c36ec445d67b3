package dev.shuttle.websocket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of the HTTP request that opened (or asks to open) a WebSocket connection.
 * Adapters implement it over their server's request; header names are case-insensitive.
 */
public interface HandshakeRequest {
    /** {@return the HTTP method, e.g. {@code GET}} */
    String method();

    /** {@return the request path without the query, e.g. {@code /chat/room1}} */
    String path();

    /** {@return the raw query string without {@code ?}, or {@code null} when there is none} */
    String query();

    /**
     * All values of a header (one per header line, not split at commas), empty when absent.
     *
     * @param name the header's name, case-insensitive
     * @return the values
     */
    List<String> headers(String name);

    /** {@return all header names as received} */
    List<String> headerNames();

    /** {@return the peer's address (the TCP peer; a proxy's address behind a proxy)} */
    InetSocketAddress remoteAddress();

    /**
     * The first value of a header, or {@code null} when absent.
     *
     * @param name the header's name, case-insensitive
     * @return the value
     */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** {@return cookies from every {@code Cookie} header, by name (RFC 6265 §5.4 syntax); the first wins} */
    default Map<String, String> cookies() {
        Map<String, String> cookies = new java.util.LinkedHashMap<>();
        for (String line : headers("Cookie")) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String value = pair.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    cookies.putIfAbsent(pair.substring(0, eq).trim(), value);
                }
            }
        }
        return cookies;
    }

    /**
     * The first value of a query parameter (not URL-decoded beyond {@code %XX} and {@code +}), or {@code null}.
     *
     * @param name the parameter's name
     * @return the value
     */
    default String queryParameter(String name) {
        String q = query();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
