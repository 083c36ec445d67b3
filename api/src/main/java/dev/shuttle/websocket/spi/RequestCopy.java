package dev.shuttle.websocket.spi;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.WebSocketServer;

/**
 * An immutable {@link HandshakeRequest} that an adapter fills from its server's request. A copy,
 * not a view: servers recycle their request objects once the exchange completes, while a
 * connection keeps its request for its whole life ({@code WebSocket.request()}).
 * <p>
 * The builder also guards the head: it counts the bytes of the request line and of every header
 * line as they are added, and once the count passes {@code maxHeadBytes} it drops what it had
 * copied and copies nothing more; {@link Builder#upgrade} then answers 431 (RFC 6585 §5). A copy
 * therefore never holds more than the limit, whatever the container accepted.
 * <pre>{@code
 * RequestCopy.Builder b = RequestCopy.builder(method, rawPath, rawQuery, remoteAddress,
 *         server.options().maxRequestHeadBytes());
 * for (var field : serverRequest.headers()) b.header(field.name(), field.value());
 * Upgrade upgrade = b.upgrade(server);   // the server's decision, or 431 for an oversized head
 * }</pre>
 */
public final class RequestCopy implements HandshakeRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final List<String> headerNames;
    private final InetSocketAddress remoteAddress;

    private RequestCopy(Builder b) {
        this.method = b.method;
        this.path = b.path;
        this.query = b.query;
        b.headers.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(b.headers);
        this.headerNames = List.copyOf(b.headerNames);
        this.remoteAddress = b.remoteAddress;
    }

    /**
     * A builder that counts the request head as headers are added.
     *
     * @param method the request method, e.g. {@code GET}
     * @param path  the raw (not percent-decoded) path; empty or null becomes {@code /}
     * @param query the raw query without {@code ?}, or null
     * @param maxHeadBytes the longest request head accepted (request line, header lines and the
     *        blank line, as on the wire): {@code Options.maxRequestHeadBytes()}
     * @param remoteAddress the peer's address, or null
     * @return the builder
     */
    public static Builder builder(String method, String path, String query, InetSocketAddress remoteAddress, int maxHeadBytes) {
        return new Builder(method, path, query, remoteAddress, maxHeadBytes);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    @Override
    public List<String> headerNames() {
        return headerNames;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }

    /**
     * Collects the header lines in order; names compare case-insensitively. Counts the head as it
     * goes (see {@link RequestCopy}). One thread, one request.
     */
    public static final class Builder {
        /** " HTTP/1.1\r\n" after the target, and the blank line that ends the head. */
        private static final int LINE_OVERHEAD = " HTTP/1.1\r\n".length() + "\r\n".length();
        /** ": " and "\r\n" around a header value. */
        private static final int HEADER_OVERHEAD = ": \r\n".length();

        private final String method;
        private final String path;
        private final String query;
        private final InetSocketAddress remoteAddress;
        private final int maxHeadBytes;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final List<String> headerNames = new ArrayList<>();
        /**
         * The head's size so far, as the wire carried it. Containers decode header bytes one char
         * per byte (ISO-8859-1) or as UTF-8, where a char stands for at least one byte: the count
         * never exceeds what was received.
         */
        private long headBytes;
        private boolean tooLarge;

        private Builder(String method, String path, String query, InetSocketAddress remoteAddress, int maxHeadBytes) {
            if (maxHeadBytes <= 0) {
                throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
            }
            this.method = Objects.requireNonNull(method, "method");
            this.path = path == null || path.isEmpty() ? "/" : path;
            this.query = query;
            this.remoteAddress = remoteAddress;
            this.maxHeadBytes = maxHeadBytes;
            count((long) this.method.length() + 1 + this.path.length() + (query == null ? 0 : 1 + query.length()) + LINE_OVERHEAD);
        }

        /**
         * Adds one header line (call once per value, in the order received); copies nothing once the head is too large.
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         */
        public Builder header(String name, String value) {
            if (tooLarge || !count((long) name.length() + value.length() + HEADER_OVERHEAD)) {
                return this;
            }
            headers.computeIfAbsent(name, k -> {
                headerNames.add(name);
                return new ArrayList<>(1);
            }).add(value);
            return this;
        }

        /** {@return whether the head passed the limit: answer 431, as {@link #upgrade} does} */
        public boolean tooLarge() {
            return tooLarge;
        }

        /** {@return the head's size counted so far, in bytes} */
        public long headBytes() {
            return headBytes;
        }

        /**
         * The answer to this request: 431 Request Header Fields Too Large when the head passed the
         * limit (the server is not asked and nothing is kept), else {@code server.upgrade(build())}.
         *
         * @param server the server that decides
         * @return the decision
         */
        public Upgrade upgrade(WebSocketServer server) {
            if (tooLarge) {
                return Upgrade.refusal(431, "request head larger than " + maxHeadBytes + " bytes");
            }
            return server.upgrade(build());
        }

        /**
         * The copy of the request.
         *
         * @return the request
         * @throws IllegalStateException when the head is {@link #tooLarge()}
         */
        public RequestCopy build() {
            if (tooLarge) {
                throw new IllegalStateException("request head larger than " + maxHeadBytes + " bytes");
            }
            return new RequestCopy(this);
        }

        /** Adds to the count; past the limit, forgets every header copied so far. */
        private boolean count(long bytes) {
            headBytes += bytes;
            if (headBytes <= maxHeadBytes) {
                return true;
            }
            tooLarge = true;
            headers.clear();
            headerNames.clear();
            return false;
        }
    }
}
