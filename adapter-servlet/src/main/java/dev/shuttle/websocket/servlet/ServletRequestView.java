package dev.shuttle.websocket.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.shuttle.websocket.HandshakeRequest;
import jakarta.servlet.http.HttpServletRequest;

/**
 * An {@link HttpServletRequest} seen as the api's {@link HandshakeRequest}, copied when made:
 * the connection keeps it for its whole life ({@code WebSocket.request()}), while containers
 * recycle request objects once {@code service} returns.
 */
final class ServletRequestView implements HandshakeRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<String> headerNames = new ArrayList<>();
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;

    ServletRequestView(HttpServletRequest request) {
        method = request.getMethod();
        String uri = request.getRequestURI();
        // The raw request URI without the query: the context path included, not percent-decoded.
        path = uri == null || uri.isEmpty() ? "/" : uri;
        query = request.getQueryString();
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            if (!headers.containsKey(name)) {
                headerNames.add(name);
                Enumeration<String> values = request.getHeaders(name);
                headers.put(name, values == null ? List.of() : List.copyOf(Collections.list(values)));
            }
        }
        remoteAddress = address(request.getRemoteAddr(), request.getRemotePort());
        localAddress = address(request.getLocalAddr(), request.getLocalPort());
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
        return Collections.unmodifiableList(headerNames);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The container gives IP literals, which InetAddress parses without a DNS lookup. */
    private static InetSocketAddress address(String ip, int port) {
        if (ip == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            return InetSocketAddress.createUnresolved(ip, port);
        }
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }
}
