package dev.shuttle.websocket.jetty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.shuttle.websocket.HandshakeRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty core {@link Request} seen as the api's {@link HandshakeRequest}, copied when made: the
 * connection keeps it for its whole life ({@code WebSocket.request()}), while Jetty recycles its
 * request objects once the exchange completes.
 */
final class JettyRequestView implements HandshakeRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<String> headerNames;
    private final InetSocketAddress remoteAddress;

    JettyRequestView(Request request) {
        method = request.getMethod();
        String p = request.getHttpURI().getPath();
        // The raw (not percent-decoded) path, as on the built-in listener; the context path included.
        path = p == null || p.isEmpty() ? "/" : p;
        query = request.getHttpURI().getQuery();
        List<String> names = new ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            List<String> values = headers.computeIfAbsent(field.getName(), k -> {
                names.add(field.getName());
                return new ArrayList<>(1);
            });
            values.add(field.getValue());
        }
        headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
        headerNames = List.copyOf(names);
        remoteAddress = inet(request.getConnectionMetaData().getRemoteSocketAddress());
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

    static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }
}
