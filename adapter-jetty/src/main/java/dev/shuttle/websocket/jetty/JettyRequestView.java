package dev.shuttle.websocket.jetty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty core {@link Request} seen as the api's {@link HandshakeRequest}. Read-only and only
 * valid while Jetty handles the request: the engine copies what it keeps (path, query, headers)
 * when the connection starts.
 */
final class JettyRequestView implements HandshakeRequest {
    private final Request request;

    JettyRequestView(Request request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    /** The raw (not percent-decoded) path, as on the built-in listener; the context path included. */
    @Override
    public String path() {
        String path = request.getHttpURI().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public List<String> headers(String name) {
        // HttpFields looks names up case-insensitively and keeps one value per header line.
        return request.getHeaders().getValuesList(name);
    }

    @Override
    public List<String> headerNames() {
        HttpFields fields = request.getHeaders();
        return List.copyOf(fields.getFieldNamesCollection());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return inet(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public String toString() {
        return request.getMethod() + " " + request.getHttpURI();
    }
}
