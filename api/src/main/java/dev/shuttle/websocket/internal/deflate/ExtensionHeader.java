package dev.shuttle.websocket.internal.deflate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.shuttle.websocket.internal.handshake.Handshake;

/**
 * A pure value parser for {@code Sec-WebSocket-Extensions} (RFC 6455 §9.1):
 * <pre>
 *   extension-list = 1#extension
 *   extension      = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 * </pre>
 * Any number of header lines, each with any number of comma-separated extensions; a quoted value
 * is unquoted (RFC 7692 §7.1 requires it to be a token once unquoted, which the negotiator
 * checks). An element that does not follow the grammar is returned with {@code valid == false}
 * rather than failing the whole header, so a server can decline just that offer.
 * No state, no I/O.
 */
public final class ExtensionHeader {
    private ExtensionHeader() {
    }

    /** One parameter; {@code value} is null when the parameter has none ({@code client_max_window_bits}). */
    public record Param(String name, String value) {
        @Override
        public String toString() {
            return value == null ? name : name + "=" + value;
        }
    }

    /** One extension (an offer on a request, an answer on a response), in header order. */
    public record Extension(String name, List<Param> params, boolean valid) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name);
            for (Param p : params) {
                sb.append("; ").append(p);
            }
            return sb.toString();
        }
    }

    /** Parses every header line (null or empty → no extensions). */
    public static List<Extension> parse(List<String> headerValues) {
        List<Extension> out = new ArrayList<>();
        for (String element : Handshake.tokens(headerValues)) {
            out.add(parseElement(element));
        }
        return out;
    }

    /** Parses one comma-free element such as {@code permessage-deflate; client_max_window_bits=10}. */
    static Extension parseElement(String element) {
        List<String> parts = splitParams(element);
        String name = parts.get(0).trim();
        boolean valid = isToken(name);
        List<Param> params = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i).trim();
            int eq = part.indexOf('=');
            String pname = (eq < 0 ? part : part.substring(0, eq)).trim();
            String value = null;
            if (eq >= 0) {
                value = unquote(part.substring(eq + 1).trim());
            }
            if (!isToken(pname) || (eq >= 0 && value == null)) {
                valid = false;
            }
            params.add(new Param(pname, value));
        }
        return new Extension(name, Collections.unmodifiableList(params), valid);
    }

    /** Splits at semicolons outside quoted strings. */
    private static List<String> splitParams(String element) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                parts.add(element.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(element.substring(start));
        return parts;
    }

    /** A token as it is, a quoted-string without its quotes and escapes; null when malformed. */
    private static String unquote(String v) {
        if (v.isEmpty()) {
            return null;
        }
        if (v.charAt(0) != '"') {
            return isToken(v) ? v : null;
        }
        if (v.length() < 2 || v.charAt(v.length() - 1) != '"') {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                if (++i >= v.length() - 1) {
                    return null;
                }
                c = v.charAt(i);
            } else if (c == '"') {
                return null;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** RFC 9110 §5.6.2 token: visible ASCII except separators. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
