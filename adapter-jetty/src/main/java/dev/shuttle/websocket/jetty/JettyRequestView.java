package dev.shuttle.websocket.jetty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.spi.RequestCopy;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;

/** A Jetty core {@link Request} as the api's {@link HandshakeRequest}: a copy, since Jetty recycles its requests. */
final class JettyRequestView {
    private JettyRequestView() {
    }

    static HandshakeRequest of(Request request) {
        // The raw (not percent-decoded) path, as on the built-in listener; the context path included.
        RequestCopy.Builder copy = RequestCopy.builder(request.getMethod(), request.getHttpURI().getPath(),
                request.getHttpURI().getQuery(), inet(request.getConnectionMetaData().getRemoteSocketAddress()));
        for (HttpField field : request.getHeaders()) {
            copy.header(field.getName(), field.getValue());
        }
        return copy.build();
    }

    static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }
}
