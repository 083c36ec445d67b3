package dev.shuttle.websocket.testing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shuttle.websocket.HandshakeRequest;

/** A {@link HandshakeRequest} built by hand, for calling {@code WebSocketServer.upgrade} without a server. */
public record TestRequest(String method, String path, String query, Map<String, List<String>> headerMap,
                          InetSocketAddress remoteAddress) implements HandshakeRequest {

    /** A valid RFC 6455 §4.1 upgrade request for {@code path} (with the RFC's sample key). */
    public static TestRequest valid(String path) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Host", List.of("127.0.0.1:10001"));
        h.put("Upgrade", List.of("websocket"));
        h.put("Connection", List.of("Upgrade"));
        h.put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        h.put("Sec-WebSocket-Version", List.of("13"));
        return new TestRequest("GET", path, null, h, new InetSocketAddress("127.0.0.1", 10002));
    }

    /** A copy with a header set (or removed with {@code null}). */
    public TestRequest with(String name, String value) {
        Map<String, List<String>> h = new LinkedHashMap<>(headerMap);
        h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        if (value != null) {
            h.put(name, List.of(value));
        }
        return new TestRequest(method, path, query, h, remoteAddress);
    }

    @Override
    public List<String> headers(String name) {
        List<String> all = new ArrayList<>();
        headerMap.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                all.addAll(v);
            }
        });
        return all;
    }

    @Override
    public List<String> headerNames() {
        return List.copyOf(headerMap.keySet());
    }
}
