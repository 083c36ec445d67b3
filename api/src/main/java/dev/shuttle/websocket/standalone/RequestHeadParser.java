package dev.shuttle.websocket.standalone;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser of one HTTP/1.x request head (RFC 9112): feed it bytes as they arrive, in
 * any split, until it returns the head. Pure: no I/O, no clock. Bytes after the blank line that
 * ends the head are kept in {@link #leftover()}: on an upgrade they are the first WebSocket bytes.
 * <p>
 * Strict on purpose, because a WebSocket endpoint has no legacy clients to please and lenient
 * parsing is where request smuggling lives: lines end in CRLF (a bare LF is 400), obs-fold is 400
 * (§5.2), whitespace before the colon is 400 (§5.1), an HTTP/1.1 request needs exactly one Host
 * (§3.2), and a head longer than the limit is 431 (RFC 6585 §5). One instance per request; owned
 * by one thread.
 */
final class RequestHeadParser {
    private static final int INITIAL_CAPACITY = 1024;

    private final int maxHeadBytes;
    private final InetSocketAddress remoteAddress;
    private byte[] buf;
    private int length;
    /** Next index to look at for a line feed, so a head split in many reads is scanned once. */
    private int scanned;
    private RequestHead head;
    private ByteBuffer leftover;

    /**
     * @param maxHeadBytes  the longest head, request line to the blank line included
     * @param remoteAddress the peer, reported by the parsed request; may be null in tests
     */
    RequestHeadParser(int maxHeadBytes, InetSocketAddress remoteAddress) {
        if (maxHeadBytes < 16) {
            throw new IllegalArgumentException("maxHeadBytes too small: " + maxHeadBytes);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.remoteAddress = remoteAddress;
        this.buf = new byte[Math.min(INITIAL_CAPACITY, maxHeadBytes)];
    }

    /**
     * Consumes all of {@code src}. Returns the head once the blank line has arrived, else null.
     *
     * @throws HttpException 431 when the head outgrows the limit, 400 or 505 when it is malformed
     */
    RequestHead feed(ByteBuffer src) throws HttpException {
        if (head != null) {
            throw new IllegalStateException("head already parsed");
        }
        while (src.hasRemaining()) {
            int room = maxHeadBytes - length;
            if (room == 0) {
                throw tooLarge();
            }
            int n = Math.min(room, src.remaining());
            ensureCapacity(length + n);
            src.get(buf, length, n);
            length += n;
            int end = scanForEnd();
            if (end >= 0) {
                head = parse(end);
                keepLeftover(end, src);
                return head;
            }
        }
        if (length == maxHeadBytes) {
            // Full and no blank line yet: waiting for more could only end in 431 anyway.
            throw tooLarge();
        }
        return null;
    }

    /** Bytes that followed the head (the copy of them), or null when there were none. */
    ByteBuffer leftover() {
        return leftover;
    }

    /** Whether any byte arrived: a timeout then deserves a 408, a silent preconnect just a close. */
    boolean started() {
        return length > 0;
    }

    private HttpException tooLarge() {
        return new HttpException(431, "request head larger than " + maxHeadBytes + " bytes");
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            // Grow by doubling up to the limit: most heads are a few hundred bytes, so a listener
            // with many connections in their handshake does not hold maxHeadBytes for each.
            buf = Arrays.copyOf(buf, Math.min(maxHeadBytes, Math.max(needed, buf.length * 2)));
        }
    }

    /** Index just past CRLFCRLF, or -1; rejects a line feed without its carriage return. */
    private int scanForEnd() throws HttpException {
        for (int i = scanned; i < length; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (i == 0 || buf[i - 1] != '\r') {
                throw new HttpException(400, "bare LF in request head");
            }
            if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                scanned = i + 1;
                return i + 1;
            }
        }
        scanned = length;
        return -1;
    }

    private void keepLeftover(int end, ByteBuffer src) {
        int rest = length - end + src.remaining();
        if (rest == 0) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(rest);
        copy.put(buf, end, length - end).put(src).flip();
        leftover = copy;
    }

    private RequestHead parse(int end) throws HttpException {
        // ISO-8859-1 maps each octet to one char, so obs-text in values survives and offsets match.
        String text = new String(buf, 0, end - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = parseRequestLine(lines[0]);
        String method = requestLine[0];
        String target = requestLine[1];
        int minor = parseVersion(requestLine[2]);

        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            parseField(lines[i], names, values);
        }
        if (minor >= 1) {
            long hosts = names.stream().filter("Host"::equalsIgnoreCase).count();
            if (hosts != 1) {
                throw new HttpException(400, hosts == 0 ? "missing Host header" : "more than one Host header");
            }
        }
        String pathAndQuery = originForm(target);
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        return new RequestHead(method, target, path, query, minor, names, values, remoteAddress);
    }

    /** method SP request-target SP HTTP-version, single spaces only (§3). */
    private static String[] parseRequestLine(String line) throws HttpException {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        if (!isToken(parts[0])) {
            throw new HttpException(400, "malformed method");
        }
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new HttpException(400, "invalid character in request target");
            }
        }
        return parts;
    }

    /** Returns the minor version; only HTTP/1.x is spoken here (§2.3). */
    private static int parseVersion(String v) throws HttpException {
        if (v.length() != 8 || !v.startsWith("HTTP/") || v.charAt(6) != '.'
                || !isDigit(v.charAt(5)) || !isDigit(v.charAt(7))) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (v.charAt(5) != '1') {
            throw new HttpException(505, "only HTTP/1.x is supported");
        }
        return v.charAt(7) - '0';
    }

    /** field-name ":" OWS field-value OWS (§5); obs-fold and space before the colon are rejected. */
    private static void parseField(String line, List<String> names, List<String> values) throws HttpException {
        if (line.isEmpty()) {
            throw new HttpException(400, "empty header line");
        }
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            throw new HttpException(400, "obsolete line folding in header");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpException(400, "malformed header line");
        }
        String name = line.substring(0, colon);
        if (!isToken(name)) {
            throw new HttpException(400, "malformed header name");
        }
        int from = colon + 1;
        int to = line.length();
        while (from < to && isOws(line.charAt(from))) {
            from++;
        }
        while (to > from && isOws(line.charAt(to - 1))) {
            to--;
        }
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            // VCHAR, SP, HTAB and obs-text; every other control (a stray CR, NUL, DEL) is an attack or a bug.
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new HttpException(400, "invalid character in header value");
            }
        }
        names.add(name);
        values.add(line.substring(from, to));
    }

    /** The path and query of any request-target form (§3.2): origin, absolute or asterisk. */
    private static String originForm(String target) throws HttpException {
        if (target.charAt(0) == '/' || target.equals("*")) {
            return target;
        }
        int colon = target.indexOf("://");
        if (colon > 0) {
            String scheme = target.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (scheme.equals("http") || scheme.equals("https") || scheme.equals("ws") || scheme.equals("wss")) {
                int slash = target.indexOf('/', colon + 3);
                int question = target.indexOf('?', colon + 3);
                if (slash < 0 || (question >= 0 && question < slash)) {
                    return question < 0 ? "/" : "/" + target.substring(question);
                }
                return target.substring(slash);
            }
        }
        throw new HttpException(400, "malformed request target");
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** token = 1*tchar (RFC 9110 §5.6.2). */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
