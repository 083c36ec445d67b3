package dev.shuttle.websocket.internal.handshake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shuttle.websocket.WebSocketHandshakeException;

/**
 * The status line and header fields of the server's answer to a client handshake (RFC 9112 §4,
 * §5), parsed from bytes; no I/O. Header names are looked up case-insensitively.
 *
 * @param status  the three-digit status code
 * @param reason  the reason phrase, possibly empty
 * @param headers every field by its name as received (first spelling wins), values in order
 */
public record ResponseHead(int status, String reason, Map<String, List<String>> headers) {
    /** The largest response head the client reads (8 KiB, like common servers' request limits); a longer one is refused. */
    public static final int MAX_BYTES = 8 * 1024;

    public ResponseHead {
        headers = Collections.unmodifiableMap(headers);
    }

    /**
     * The index just past the {@code CRLF CRLF} that ends a head in {@code bytes[0, length)}, or
     * -1 when it has not arrived yet. A bare {@code LF LF} ends it too (RFC 9112 §2.2 lets a
     * recipient accept LF as a line terminator).
     */
    public static int endOfHead(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (i + 1 < length && bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * Parses a complete head (as delimited by {@link #endOfHead}). Bytes map one to one onto
     * characters (ISO-8859-1), so no input can fail decoding; field values are trimmed; an
     * obsolete folded line continues the previous value after a space (RFC 9112 §5.2).
     *
     * @throws WebSocketHandshakeException (status 0 when even the status line is not HTTP)
     */
    public static ResponseHead parse(byte[] bytes, int length) throws WebSocketHandshakeException {
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n", -1);
        String statusLine = lines[0];
        // RFC 9112 §4: HTTP-version SP status-code SP [ reason-phrase ]
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                || !isDigits(statusLine, 9, 12) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new WebSocketHandshakeException("not an HTTP/1.1 response: \"" + printable(statusLine) + "\"", 0, Map.of());
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13).trim() : "";
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>(); // lower-case name -> first spelling
        String lastName = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue; // the blank line(s) that end the head
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lastName == null) {
                    throw malformed(status, headers, "a folded line before any header");
                }
                List<String> values = headers.get(lastName);
                int last = values.size() - 1;
                values.set(last, (values.get(last) + " " + line.trim()).trim());
                continue;
            }
            int colon = line.indexOf(':');
            // RFC 9112 §5.1: no whitespace between the name and the colon; the name is a token.
            if (colon <= 0 || !isToken(line, 0, colon)) {
                throw malformed(status, headers, "bad header line \"" + printable(line) + "\"");
            }
            String name = line.substring(0, colon);
            String key = spelling.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> name);
            headers.computeIfAbsent(key, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            lastName = key;
        }
        return new ResponseHead(status, reason, headers);
    }

    /** Every value of a header (one per line, not split at commas), empty when absent. */
    public List<String> headers(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Collections.unmodifiableList(e.getValue());
            }
        }
        return List.of();
    }

    /** {@code 403 Forbidden}, for messages: the server's reason phrase made printable (it goes into logs). */
    public String statusText() {
        return reason.isEmpty() ? Integer.toString(status) : status + " " + printable(reason);
    }

    private static WebSocketHandshakeException malformed(int status, Map<String, List<String>> headers, String what) {
        return new WebSocketHandshakeException("malformed response head: " + what, status, headers);
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.6.2 token characters. */
    static boolean isToken(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return to > from;
    }

    /** At most 80 characters, control characters as '?': server text goes into exception messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
