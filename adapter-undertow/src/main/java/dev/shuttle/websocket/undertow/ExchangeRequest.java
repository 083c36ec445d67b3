package dev.shuttle.websocket.undertow;

import java.net.InetSocketAddress;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.RequestCopy;
import dev.shuttle.websocket.spi.Upgrade;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * An Undertow exchange as the api's {@link HandshakeRequest}: a copy, since Undertow recycles the
 * exchange after the upgrade.
 */
final class ExchangeRequest {
    private ExchangeRequest() {
    }

    /** The server's answer to the exchange, or 431 when its head is larger than the server's limit. */
    static Upgrade decide(WebSocketServer server, HttpServerExchange exchange) {
        // Undertow keeps "" for both "/x" and "/x?": an empty query reads as no query.
        String q = exchange.getQueryString();
        // The TCP peer, not getSourceAddress(): a ProxyPeerAddressHandler rewrites that one
        // from X-Forwarded-For, and the contract promises the socket's peer.
        RequestCopy.Builder copy = RequestCopy.builder(exchange.getRequestMethod().toString(), rawPath(exchange),
                q == null || q.isEmpty() ? null : q, exchange.getConnection().getPeerAddress(InetSocketAddress.class),
                server.options().maxRequestHeadBytes());
        for (HeaderValues header : exchange.getRequestHeaders()) {
            for (String value : header) {
                copy.header(header.getHeaderName().toString(), value);
            }
            if (copy.tooLarge()) {
                break;
            }
        }
        return copy.upgrade(server);
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
}
