package dev.shuttle.websocket.internal.handshake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.shuttle.websocket.WebSocketHandshakeException;
import dev.shuttle.websocket.internal.deflate.DeflateNegotiation;
import dev.shuttle.websocket.internal.deflate.DeflateParams;

/**
 * The client's half of the opening handshake (RFC 6455 §4.1) as pure functions: the request
 * bytes, and the checks of the server's answer. The caller does the I/O.
 */
public final class ClientHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Header fields the handshake owns; a custom header may not replace them (use the dedicated options). */
    private static final Set<String> RESERVED = Set.of("upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions");

    private ClientHandshake() {
    }

    /** What the server agreed to: the subprotocol (or null) and the accepted extension elements, in its order. */
    /** @param deflate the agreed permessage-deflate parameters (RFC 7692), null when not agreed */
    public record Accepted(String subprotocol, List<String> extensions, DeflateParams deflate) {
        public Accepted {
            extensions = List.copyOf(extensions);
        }

        public Accepted(String subprotocol, List<String> extensions) {
            this(subprotocol, extensions, null);
        }
    }

    /** §4.1 item 7: a fresh nonce of 16 random bytes, base64-encoded (24 characters). */
    public static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Checks a custom header before it is stored: a token name, no CR/LF/NUL in the value, not a handshake-owned field. */
    public static void checkCustomHeader(String name, String value) {
        if (name == null || !ResponseHead.isToken(name, 0, name.length())) {
            throw new IllegalArgumentException("not a valid header name: " + name);
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(name + " is set by the handshake; use the client's subprotocols/extensions options");
        }
        checkValue(name, value);
    }

    /** A header value may not break the request head: no CR, LF or NUL (header injection). */
    public static void checkValue(String what, String value) {
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " has a value with CR, LF or NUL (or none)");
        }
    }

    /** Subprotocol names are tokens (§4.1 item 10). */
    public static void checkSubprotocol(String protocol) {
        if (protocol == null || !ResponseHead.isToken(protocol, 0, protocol.length())) {
            throw new IllegalArgumentException("not a valid subprotocol name: " + protocol);
        }
    }

    /**
     * The request head (§4.1 items 1-10 and §4.2.1): {@code GET} of the path and query (path
     * {@code /} when empty), {@code Host} with the port only when it is not the scheme's default,
     * the upgrade fields, the key, version 13, then Origin, subprotocols, extensions and the
     * custom headers. A custom {@code Host} or {@code Origin} replaces the computed one.
     *
     * @param customHeaders name/value pairs already checked by {@link #checkCustomHeader}
     */
    public static byte[] request(URI uri, String key, String origin, List<String> subprotocols,
                                 String extensions, List<Map.Entry<String, String>> customHeaders) {
        boolean secure = isSecure(uri);
        StringBuilder b = new StringBuilder(256);
        b.append("GET ").append(requestTarget(uri)).append(" HTTP/1.1\r\n");
        boolean customHost = hasHeader(customHeaders, "Host");
        if (!customHost) {
            b.append("Host: ").append(uri.getHost());
            if (uri.getPort() != -1 && uri.getPort() != (secure ? 443 : 80)) {
                b.append(':').append(uri.getPort());
            }
            b.append("\r\n");
        }
        b.append("Upgrade: websocket\r\n");
        b.append("Connection: Upgrade\r\n");
        b.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        b.append("Sec-WebSocket-Version: ").append(Handshake.VERSION).append("\r\n");
        if (origin != null && !hasHeader(customHeaders, "Origin")) {
            b.append("Origin: ").append(origin).append("\r\n");
        }
        if (!subprotocols.isEmpty()) {
            b.append("Sec-WebSocket-Protocol: ").append(String.join(", ", subprotocols)).append("\r\n");
        }
        if (extensions != null && !extensions.isBlank()) {
            b.append("Sec-WebSocket-Extensions: ").append(extensions.trim()).append("\r\n");
        }
        for (Map.Entry<String, String> h : customHeaders) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The request target: the raw path ({@code /} when empty) and the raw query. */
    public static String requestTarget(URI uri) {
        String path = uri.getRawPath();
        String target = path == null || path.isEmpty() ? "/" : path;
        return uri.getRawQuery() == null ? target : target + "?" + uri.getRawQuery();
    }

    /** {@code wss} (or https) versus {@code ws} (or http); anything else is refused (§3). */
    public static boolean isSecure(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "wss", "https" -> true;
            case "ws", "http" -> false;
            default -> throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        };
    }

    /**
     * The client's checks of the answer (§4.1, "the client MUST validate the server's response"),
     * in this order: status 101; {@code Upgrade} with {@code websocket}; {@code Connection} with
     * {@code upgrade} (both case-insensitive); {@code Sec-WebSocket-Accept} equal to the accept key
     * of ours; extensions only among those offered; a subprotocol only among those offered.
     *
     * @throws WebSocketHandshakeException on the first failed check, with the status and headers
     */
    public static Accepted check(ResponseHead response, String key, List<String> offeredProtocols,
                                 String offeredExtensions) throws WebSocketHandshakeException {
        if (response.status() != 101) {
            throw refused(response, "server answered " + response.statusText());
        }
        if (!containsIgnoreCase(Handshake.tokens(response.headers("Upgrade")), "websocket")) {
            throw refused(response, "the 101 response lacks Upgrade: websocket");
        }
        if (!containsIgnoreCase(Handshake.tokens(response.headers("Connection")), "upgrade")) {
            throw refused(response, "the 101 response lacks Connection: upgrade");
        }
        List<String> accept = response.headers("Sec-WebSocket-Accept");
        if (accept.isEmpty()) {
            throw refused(response, "the 101 response lacks Sec-WebSocket-Accept");
        }
        if (accept.size() != 1 || !accept.get(0).equals(Handshake.acceptKey(key))) {
            throw refused(response, "Sec-WebSocket-Accept mismatch");
        }
        List<String> extensions = negotiateExtensions(response, offeredExtensions);
        DeflateParams deflate = negotiateDeflate(response, offeredExtensions);
        List<String> protocols = Handshake.tokens(response.headers("Sec-WebSocket-Protocol"));
        String subprotocol = null;
        if (!protocols.isEmpty()) {
            // §4.1 item 6 of the response checks: one value, one that we offered (names are case-sensitive).
            if (protocols.size() != 1 || !offeredProtocols.contains(protocols.get(0))) {
                throw refused(response, "server chose subprotocol " + ResponseHead.printable(String.join(", ", protocols))
                        + (offeredProtocols.isEmpty() ? " but none was offered" : ", not one of " + offeredProtocols));
            }
            subprotocol = protocols.get(0);
        }
        return new Accepted(subprotocol, extensions, deflate);
    }

    /**
     * The one place where extensions are negotiated on the client (§9.1): every element the
     * server answers must name an extension we offered, at most once. Returns the accepted
     * elements as sent (with their parameters). permessage-deflate (RFC 7692 §7.1.1.x) refines
     * this with its parameter checks.
     */
    static List<String> negotiateExtensions(ResponseHead response, String offered) throws WebSocketHandshakeException {
        Set<String> offeredNames = new HashSet<>();
        for (String element : Handshake.tokens(offered == null ? List.of() : List.of(offered))) {
            offeredNames.add(extensionName(element));
        }
        List<String> accepted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String element : Handshake.tokens(response.headers("Sec-WebSocket-Extensions"))) {
            String name = extensionName(element);
            if (!offeredNames.contains(name)) {
                throw refused(response, "server accepted extension " + ResponseHead.printable(name) + " that was not offered");
            }
            if (!seen.add(name)) {
                throw refused(response, "server accepted extension " + ResponseHead.printable(name) + " twice");
            }
            accepted.add(element);
        }
        return accepted;
    }

    /**
     * permessage-deflate's part of the negotiation, after {@link #negotiateExtensions} checked the
     * names: its parameters must be ones we can honour and consistent with our offer (RFC 7692
     * §7.1; {@link DeflateNegotiation#validateAnswer(List, String)}), else the handshake fails.
     */
    static DeflateParams negotiateDeflate(ResponseHead response, String offered) throws WebSocketHandshakeException {
        try {
            return DeflateNegotiation.validateAnswer(response.headers("Sec-WebSocket-Extensions"), offered);
        } catch (IllegalArgumentException e) {
            throw refused(response, "permessage-deflate: " + ResponseHead.printable(e.getMessage()));
        }
    }

    /** The extension token before any {@code ;} parameters, lower-cased (tokens are case-insensitive). */
    static String extensionName(String element) {
        int semi = element.indexOf(';');
        return (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static WebSocketHandshakeException refused(ResponseHead response, String message) {
        return new WebSocketHandshakeException(message, response.status(), response.headers());
    }

    private static boolean containsIgnoreCase(List<String> tokens, String wanted) {
        for (String t : tokens) {
            if (t.equalsIgnoreCase(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasHeader(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
