package dev.shuttle.websocket.internal.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * The handshake request a client sent, as the {@link HandshakeRequest} of its connection, so
 * that {@code path()} and {@code request().headers(…)} work on both ends.
 */
public record SentRequest(String path, String query, List<String[]> fields, InetSocketAddress remoteAddress)
        implements HandshakeRequest {

    /** Built from the request head the client wrote (our own bytes, so one field per line). */
    public static SentRequest of(URI uri, byte[] head, InetSocketAddress remote) {
        List<String[]> fields = new ArrayList<>();
        String[] lines = new String(head, StandardCharsets.UTF_8).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                fields.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
            }
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new SentRequest(path, uri.getRawQuery(), List.copyOf(fields), remote);
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                values.add(f[1]);
            }
        }
        return values;
    }

    @Override
    public List<String> headerNames() {
        List<String> names = new ArrayList<>();
        for (String[] f : fields) {
            if (!names.contains(f[0])) {
                names.add(f[0]);
            }
        }
        return names;
    }
}
