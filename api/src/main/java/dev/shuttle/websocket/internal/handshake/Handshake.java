package dev.shuttle.websocket.internal.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * The opening handshake (RFC 6455 §4) as pure functions over a request view: no I/O, no state.
 * Header names are looked up through {@link HandshakeRequest#headers(String)}, which is
 * case-insensitive by contract, so mixed-case names on the wire need nothing here.
 */
public final class Handshake {
    /** §1.3 / §4.2.2: the GUID appended to the client's key before hashing. */
    static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The only protocol version this implementation speaks (§4.1, §11.6). */
    static final String VERSION = "13";

    /** §4.1: the key is a base64-encoded 16-byte nonce. */
    private static final int KEY_BYTES = 16;

    private Handshake() {
    }

    /**
     * Sec-WebSocket-Accept for a Sec-WebSocket-Key (§4.2.2 item 5.4): base64 of the SHA-1 of the
     * key with the GUID appended. Leading and trailing whitespace of the key is ignored (§1.3).
     *
     * @throws NullPointerException when the key is null
     */
    public static String acceptKey(String key) {
        Objects.requireNonNull(key, "key");
        byte[] digest = sha1().digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
    }

    /** True when the request asks for a WebSocket upgrade at all (Upgrade: websocket), whatever its other faults. */
    public static boolean isWebSocketUpgrade(HandshakeRequest request) {
        // §4.2.1 item 3: the Upgrade header "includes" websocket; tokens are case-insensitive
        // (RFC 7230 §6.7), and a client may list several protocols or send several lines.
        return containsIgnoreCase(tokens(request.headers("Upgrade")), "websocket");
    }

    /**
     * §4.2.1 checks; null for a valid version-13 upgrade request, else the refusal (400, 405, or
     * 426 with Sec-WebSocket-Version: 13). Checked in this order, the first fault wins:
     * <ol>
     * <li>method not {@code GET}: 405 with {@code Allow: GET};</li>
     * <li>no (or an empty) {@code Host}: 400;</li>
     * <li>{@code Upgrade} without the token {@code websocket}: 400;</li>
     * <li>{@code Connection} without the token {@code upgrade} (case-insensitive, over every line): 400;</li>
     * <li>{@code Sec-WebSocket-Version} missing or not exactly {@code 13}: 426 with
     *     {@code Sec-WebSocket-Version: 13};</li>
     * <li>{@code Sec-WebSocket-Key} missing, repeated, or not the base64 of exactly 16 bytes: 400.</li>
     * </ol>
     */
    public static HandshakeRefusal validate(HandshakeRequest request) {
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request". Methods are case-sensitive (RFC 9110 §9.1).
        if (!"GET".equals(request.method())) {
            return new HandshakeRefusal(405, "the method must be GET", Map.of("Allow", "GET"));
        }
        // §4.2.1 item 2: a Host header field containing the server's authority.
        String host = request.header("Host");
        if (host == null || host.isBlank()) {
            return badRequest("missing Host header");
        }
        // §4.2.1 item 3. The built-in listener routes plain GETs elsewhere before calling us, so a
        // request reaching this point meant to upgrade; 400 tells it plainly what is wrong.
        if (!isWebSocketUpgrade(request)) {
            return badRequest("the Upgrade header must include websocket");
        }
        // §4.2.1 item 4: Connection may carry other tokens too, e.g. "keep-alive, Upgrade" (Firefox).
        if (!containsIgnoreCase(tokens(request.headers("Connection")), "upgrade")) {
            return badRequest("the Connection header must include Upgrade");
        }
        // §4.2.1 item 6 and §4.4: on a version we do not speak, answer 426 and list ours, so the
        // client can retry. A missing version gets the same answer: it is the only hint we can give.
        List<String> versions = tokens(request.headers("Sec-WebSocket-Version"));
        if (versions.size() != 1 || !VERSION.equals(versions.get(0))) {
            String reason = versions.isEmpty() ? "missing Sec-WebSocket-Version" : "unsupported Sec-WebSocket-Version";
            return new HandshakeRefusal(426, reason, Map.of("Sec-WebSocket-Version", VERSION));
        }
        // §4.2.1 item 5 and §11.3.1: exactly one key, the base64 of a 16-byte nonce.
        List<String> keys = request.headers("Sec-WebSocket-Key");
        if (keys.isEmpty()) {
            return badRequest("missing Sec-WebSocket-Key");
        }
        if (keys.size() > 1) {
            return badRequest("more than one Sec-WebSocket-Key");
        }
        if (!isValidKey(keys.get(0))) {
            return badRequest("Sec-WebSocket-Key is not 16 base64-encoded bytes");
        }
        return null;
    }

    /**
     * Whether an Origin header value may open a connection (§4.2.2 item 4, §10.2).
     * <ul>
     * <li>A request without an Origin ({@code origin == null}) is <b>allowed</b>: browsers always
     *     send Origin on a WebSocket handshake (§4.1 item 8, §10.2), so its absence means a
     *     non-browser client, against which an Origin check protects nothing (it could send any
     *     value). The check exists to stop other web pages from using a visitor's browser and
     *     cookies (cross-site WebSocket hijacking); authenticate non-browser clients in the
     *     {@code UpgradeHook}.</li>
     * <li>With an empty (or null) list, only the request's own origin passes: see
     *     {@link #sameOrigin(String, String)}.</li>
     * <li>Otherwise an entry {@code "*"} allows everything, or the origin must equal an entry
     *     case-insensitively after normalising both to {@code scheme://host[:port]}: default ports
     *     (80 for http/ws, 443 for https/wss) and a trailing slash are dropped. The opaque origin
     *     {@code "null"} (sandboxed frames, {@code file:} pages) passes only when the list
     *     contains {@code "null"}. The Host header plays no part then.</li>
     * </ul>
     *
     * @param host the request's Host header (null when missing: then only a missing Origin passes the default check)
     */
    public static boolean originAllowed(String origin, String host, List<String> allowed) {
        if (origin == null) {
            return true;
        }
        if (allowed == null || allowed.isEmpty()) {
            return sameOrigin(origin, host);
        }
        String wanted = normaliseOrigin(origin);
        for (String entry : allowed) {
            if (entry == null) {
                continue;
            }
            if (entry.trim().equals("*") || normaliseOrigin(entry).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the Origin names the host the request was sent to: the Origin's host and port equal
     * the Host header's, case-insensitively (RFC 6454 §4: an origin is scheme, host and port; the
     * Host header carries no scheme, so the scheme only supplies the default port). A port left
     * out is the scheme's default (80 for http/ws, 443 for https/wss), on either side; an IPv6
     * literal is compared inside its brackets. An opaque ({@code null}) or unparsable Origin,
     * or a missing Host, is never the same origin. This is gorilla/websocket's default check,
     * with default ports understood.
     */
    public static boolean sameOrigin(String origin, String host) {
        if (origin == null || host == null) {
            return false;
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        int sep = o.indexOf("://");
        if (sep <= 0) {
            return false;
        }
        String defaultPort = defaultPort(o.substring(0, sep));
        String authority = o.substring(sep + 3);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.indexOf('/') >= 0 || authority.indexOf('@') >= 0) {
            return false; // an origin is scheme://host[:port], never a path or user info
        }
        String[] fromOrigin = hostAndPort(authority, defaultPort);
        String[] fromHost = hostAndPort(host.trim().toLowerCase(Locale.ROOT), defaultPort);
        return fromOrigin != null && fromHost != null
                && fromOrigin[0].equals(fromHost[0]) && Objects.equals(fromOrigin[1], fromHost[1]);
    }

    /** {host, port} of {@code host[:port]} (IPv6 in brackets), the port defaulted; null when malformed. */
    private static String[] hostAndPort(String authority, String defaultPort) {
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                return null;
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon != authority.lastIndexOf(':')) {
                return null; // a bare IPv6 address is not a valid Host or Origin authority
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("[]")) {
            return null;
        }
        if (port == null || port.isEmpty()) {
            port = defaultPort;
        } else if (!isDigits(port)) {
            return null;
        } else {
            port = port.replaceFirst("^0+(?=\\d)", ""); // "080" is port 80
        }
        return new String[] {host, port};
    }

    private static boolean isDigits(String s) {
        if (s.length() > 5) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The first of {@code supported} (server preference) that the request offers in
     * Sec-WebSocket-Protocol, or null. All header lines count; names compare exactly, since
     * subprotocol names are case-sensitive (§4.1 item 10, §11.3.4). Never returns a name the
     * client did not offer (§4.1: the client fails the connection otherwise).
     */
    public static String selectSubprotocol(HandshakeRequest request, List<String> supported) {
        if (supported == null || supported.isEmpty()) {
            return null;
        }
        List<String> offered = tokens(request.headers("Sec-WebSocket-Protocol"));
        for (String candidate : supported) {
            if (candidate != null && offered.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Splits comma-separated header values (RFC 9110 §5.6.1 lists, any number of header lines)
     * into trimmed, non-empty elements, in order. A comma inside a quoted string does not split
     * (with {@code \} escapes honoured there); quotes and any {@code ;} parameters are kept as
     * they are, so an extension offer such as {@code permessage-deflate; client_max_window_bits}
     * comes back whole. Null lists and null lines are treated as empty.
     */
    public static List<String> tokens(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        if (headerValues == null) {
            return out;
        }
        for (String line : headerValues) {
            if (line == null) {
                continue;
            }
            int start = 0;
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted && c == '\\') {
                    i++; // quoted-pair: the next character is literal, even a quote
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (c == ',' && !quoted) {
                    addTrimmed(out, line.substring(start, i));
                    start = i + 1;
                }
            }
            addTrimmed(out, line.substring(start));
        }
        return out;
    }

    private static void addTrimmed(List<String> out, String element) {
        String t = element.trim();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    private static boolean containsIgnoreCase(List<String> tokens, String wanted) {
        for (String t : tokens) {
            if (t.equalsIgnoreCase(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static HandshakeRefusal badRequest(String reason) {
        return new HandshakeRefusal(400, reason, Map.of());
    }

    /** §4.1 item 7: 16 random bytes, base64-encoded; canonical padded form is 24 characters. */
    private static boolean isValidKey(String value) {
        String key = value == null ? "" : value.trim();
        if (key.length() != 24) {
            return false; // also rejects unpadded forms the lenient JDK decoder would accept
        }
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * {@code scheme://host[:port]} in lower case, without a default port or a trailing slash.
     * Anything that does not look like that (e.g. the opaque origin {@code null}) is returned
     * trimmed and lower-cased, so it only matches itself.
     */
    static String normaliseOrigin(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int sep = s.indexOf("://");
        if (sep <= 0) {
            return s;
        }
        String scheme = s.substring(0, sep);
        String authority = s.substring(sep + 3);
        if (authority.isEmpty() || authority.indexOf('/') >= 0) {
            return s;
        }
        // The port follows the last ':' unless that colon is inside an IPv6 literal "[...]".
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && colon > authority.lastIndexOf(']')) {
            String port = authority.substring(colon + 1);
            if (port.isEmpty() || port.equals(defaultPort(scheme))) {
                authority = authority.substring(0, colon);
            }
        }
        return scheme + "://" + authority;
    }

    private static String defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> "80";
            case "https", "wss" -> "443";
            default -> null;
        };
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-1 (MessageDigest javadoc), so this cannot happen.
            throw new IllegalStateException("SHA-1 not available", e);
        }
    }
}
