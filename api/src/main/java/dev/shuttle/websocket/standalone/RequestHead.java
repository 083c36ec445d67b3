package dev.shuttle.websocket.standalone;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * A parsed HTTP/1.x request head (RFC 9112 §2-5): request line and header fields, no body.
 * Immutable once built by {@link RequestHeadParser}; header names compare case-insensitively.
 */
final class RequestHead implements HandshakeRequest {
    private final String method;
    private final String target;
    private final String path;
    private final String query;
    private final int minorVersion;
    private final List<String> names;
    private final List<String> values;
    private final InetSocketAddress remoteAddress;

    RequestHead(String method, String target, String path, String query, int minorVersion,
                List<String> names, List<String> values, InetSocketAddress remoteAddress) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = query;
        this.minorVersion = minorVersion;
        this.names = List.copyOf(names);
        this.values = List.copyOf(values);
        this.remoteAddress = remoteAddress;
    }

    @Override
    public String method() {
        return method;
    }

    /** The request-target as sent (origin-form {@code /p?q}, absolute-form or {@code *}). */
    String target() {
        return target;
    }

    /** The path, not percent-decoded (decoding is the application's choice: {@code %2F} is not {@code /}). */
    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    /** 1 for HTTP/1.1, 0 for HTTP/1.0 (the major version is always 1). */
    int minorVersion() {
        return minorVersion;
    }

    String version() {
        return "HTTP/1." + minorVersion;
    }

    @Override
    public List<String> headers(String name) {
        List<String> found = null;
        // A linear scan: a head holds a few dozen fields at most (it is bounded in bytes).
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(values.get(i));
            }
        }
        return found == null ? List.of() : List.copyOf(found);
    }

    /** Distinct names in the order of their first appearance, spelled as received. */
    @Override
    public List<String> headerNames() {
        List<String> distinct = new ArrayList<>(names.size());
        for (String n : names) {
            if (distinct.stream().noneMatch(n::equalsIgnoreCase)) {
                distinct.add(n);
            }
        }
        return List.copyOf(distinct);
    }

    /** Number of header lines (repeated names count each time). */
    int fieldCount() {
        return names.size();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version();
    }
}
