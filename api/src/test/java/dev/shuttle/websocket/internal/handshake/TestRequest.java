package dev.shuttle.websocket.internal.handshake;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.shuttle.websocket.HandshakeRequest;

/** A map-backed {@link HandshakeRequest} for tests: header lines in order, names looked up case-insensitively. */
final class TestRequest implements HandshakeRequest {
    private final String method;
    private final List<Map.Entry<String, String>> lines = new ArrayList<>();

    private TestRequest(String method) {
        this.method = method;
    }

    /** An empty request with a method and no headers. */
    static TestRequest of(String method) {
        return new TestRequest(method);
    }

    /** A valid version-13 upgrade request (the RFC 6455 §1.2 example). */
    static TestRequest valid() {
        return of("GET")
                .with("Host", "server.example.com")
                .with("Upgrade", "websocket")
                .with("Connection", "Upgrade")
                .with("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .with("Sec-WebSocket-Version", "13");
    }

    /** Adds one header line. */
    TestRequest with(String name, String value) {
        lines.add(Map.entry(name, value));
        return this;
    }

    /** Removes every line of a header (case-insensitive). */
    TestRequest without(String name) {
        lines.removeIf(e -> e.getKey().equalsIgnoreCase(name));
        return this;
    }

    /** Replaces every line of a header with one line. */
    TestRequest replace(String name, String value) {
        return without(name).with(name, value);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return "/chat";
    }

    @Override
    public String query() {
        return null;
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : lines) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    @Override
    public List<String> headerNames() {
        return lines.stream().map(Map.Entry::getKey).distinct().toList();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 50000);
    }

    @Override
    public String toString() {
        return method + " " + lines;
    }
}
