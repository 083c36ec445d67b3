package dev.shuttle.websocket.jetty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.RequestCopy;
import dev.shuttle.websocket.spi.Upgrade;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;

/** A Jetty core {@link Request} as the api's {@link HandshakeRequest}: a copy, since Jetty recycles its requests. */
final class JettyRequestView {
    private JettyRequestView() {
    }

    /** The server's answer to the request, or 431 when its head is larger than the server's limit. */
    static Upgrade decide(WebSocketServer server, Request request) {
        // The raw (not percent-decoded) path, as on the built-in listener; the context path included.
        RequestCopy.Builder copy = RequestCopy.builder(request.getMethod(), request.getHttpURI().getPath(),
                request.getHttpURI().getQuery(), inet(request.getConnectionMetaData().getRemoteSocketAddress()),
                server.options().maxRequestHeadBytes());
        for (HttpField field : request.getHeaders()) {
            copy.header(field.getName(), field.getValue());
            if (copy.tooLarge()) {
                break;
            }
        }
        return copy.upgrade(server);
    }

    static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }
}
