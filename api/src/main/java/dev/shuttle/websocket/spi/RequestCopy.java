package dev.shuttle.websocket.spi;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * An immutable {@link HandshakeRequest} that an adapter fills from its server's request. A copy,
 * not a view: servers recycle their request objects once the exchange completes, while a
 * connection keeps its request for its whole life ({@code WebSocket.request()}).
 * <pre>{@code
 * RequestCopy.Builder b = RequestCopy.builder(method, rawPath, rawQuery, remoteAddress);
 * for (var field : serverRequest.headers()) b.header(field.name(), field.value());
 * HandshakeRequest request = b.build();
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
     * @param path  the raw (not percent-decoded) path; empty or null becomes {@code /}
     * @param query the raw query without {@code ?}, or null
     */
    public static Builder builder(String method, String path, String query, InetSocketAddress remoteAddress) {
        return new Builder(method, path, query, remoteAddress);
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

    /** Collects the header lines in order; names compare case-insensitively. */
    public static final class Builder {
        private final String method;
        private final String path;
        private final String query;
        private final InetSocketAddress remoteAddress;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final List<String> headerNames = new ArrayList<>();

        private Builder(String method, String path, String query, InetSocketAddress remoteAddress) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = path == null || path.isEmpty() ? "/" : path;
            this.query = query;
            this.remoteAddress = remoteAddress;
        }

        /** Adds one header line (call once per value, in the order received). */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(name, k -> {
                headerNames.add(name);
                return new ArrayList<>(1);
            }).add(value);
            return this;
        }

        public RequestCopy build() {
            return new RequestCopy(this);
        }
    }
}
