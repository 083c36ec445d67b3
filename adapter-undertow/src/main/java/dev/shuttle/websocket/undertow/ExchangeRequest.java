package dev.shuttle.websocket.undertow;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * The {@link HandshakeRequest} view of an Undertow exchange. Values are copied when the view is
 * made: the connection keeps the view after the upgrade, when Undertow recycles the exchange.
 */
final class ExchangeRequest implements HandshakeRequest {
    private final String method;
    private final String path;
    private final String query;
    private final List<String> names;
    /** Per header name (as received), its values; looked up case-insensitively. */
    private final List<List<String>> values;
    private final InetSocketAddress remoteAddress;

    ExchangeRequest(HttpServerExchange exchange) {
        this.method = exchange.getRequestMethod().toString();
        this.path = rawPath(exchange);
        // Undertow keeps "" for both "/x" and "/x?": an empty query reads as no query.
        String q = exchange.getQueryString();
        this.query = q == null || q.isEmpty() ? null : q;
        this.names = new ArrayList<>();
        this.values = new ArrayList<>();
        for (HeaderValues header : exchange.getRequestHeaders()) {
            names.add(header.getHeaderName().toString());
            values.add(List.copyOf(header));
        }
        // The TCP peer, not getSourceAddress(): a ProxyPeerAddressHandler rewrites that one
        // from X-Forwarded-For, and the contract promises the socket's peer.
        this.remoteAddress = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
    }

    /**
     * The request target's path, not percent-decoded: {@code getRequestPath()} is decoded, so
     * the raw URI is used, without the scheme and authority of an absolute-form target.
     */
    private static String rawPath(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return uri.isEmpty() ? "/" : uri;
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
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return List.of();
    }

    @Override
    public List<String> headerNames() {
        return List.copyOf(names);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query) + " from " + remoteAddress;
    }
}
