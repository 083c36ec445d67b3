package dev.shuttle.websocket.servlet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.RequestCopy;
import dev.shuttle.websocket.spi.Upgrade;
import jakarta.servlet.http.HttpServletRequest;

/**
 * An {@link HttpServletRequest} as the api's {@link HandshakeRequest}: a copy, since containers
 * recycle request objects once {@code service} returns.
 */
final class ServletRequestView {
    private ServletRequestView() {
    }

    /** The server's answer to the request, or 431 when its head is larger than the server's limit. */
    static Upgrade decide(WebSocketServer server, HttpServletRequest request) {
        // The raw request URI without the query: the context path included, not percent-decoded.
        RequestCopy.Builder copy = RequestCopy.builder(request.getMethod(), request.getRequestURI(),
                request.getQueryString(), remoteAddress(request), server.options().maxRequestHeadBytes());
        Enumeration<String> names = request.getHeaderNames();
        Set<String> seen = new HashSet<>();
        while (names != null && names.hasMoreElements() && !copy.tooLarge()) {
            String name = names.nextElement();
            Enumeration<String> values = request.getHeaders(name);
            if (seen.add(name.toLowerCase(Locale.ROOT)) && values != null) {
                while (values.hasMoreElements()) {
                    copy.header(name, values.nextElement());
                }
            }
        }
        return copy.upgrade(server);
    }

    static InetSocketAddress remoteAddress(HttpServletRequest request) {
        return address(request.getRemoteAddr(), request.getRemotePort());
    }

    static InetSocketAddress localAddress(HttpServletRequest request) {
        return address(request.getLocalAddr(), request.getLocalPort());
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
}
