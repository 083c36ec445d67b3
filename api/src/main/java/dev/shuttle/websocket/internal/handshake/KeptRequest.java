package dev.shuttle.websocket.internal.handshake;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.shuttle.websocket.HandshakeRequest;

/**
 * What a connection keeps of its upgrade request for {@code WebSocket.request()}: method, path,
 * query, remote address and only the headers the upgrade hook asked for ({@link Recorder}), so an
 * idle connection holds no copy of a request it will never read again. Immutable.
 */
public final class KeptRequest implements HandshakeRequest {
    private static final String[] NONE = new String[0];
    /**
     * Paths kept lately, by hash: the connections to one endpoint share its path string instead
     * of each holding a copy (idle memory). Racy on purpose: a String is safe to publish without
     * a lock, and a lost update only costs one copy. Long paths are not kept here, so the table
     * stays small whatever clients send.
     */
    private static final String[] RECENT_PATHS = new String[64];
    private static final int MAX_SHARED_PATH = 256;

    private final String method;
    private final String path;
    private final String query;
    private final InetSocketAddress remoteAddress;
    /** Header lines as name, value pairs, in the order received. */
    private final String[] fields;

    private KeptRequest(HandshakeRequest r, Set<String> names) {
        this.method = "GET".equals(r.method()) ? "GET" : r.method();
        this.path = shared(r.path());
        this.query = r.query();
        this.remoteAddress = r.remoteAddress();
        List<String> kept = new ArrayList<>();
        for (String name : names) {
            for (String value : r.headers(name)) {
                kept.add(name);
                kept.add(value);
            }
        }
        this.fields = kept.isEmpty() ? NONE : kept.toArray(NONE);
    }

    private static String shared(String path) {
        if (path == null || path.length() > MAX_SHARED_PATH) {
            return path;
        }
        int slot = path.hashCode() & (RECENT_PATHS.length - 1);
        String recent = RECENT_PATHS[slot];
        if (path.equals(recent)) {
            return recent;
        }
        RECENT_PATHS[slot] = path;
        return path;
    }

    /** The request to keep: {@code request} itself when all headers are kept, else a trimmed copy. */
    public static HandshakeRequest of(HandshakeRequest request, Recorder seen, boolean keepAll) {
        if (keepAll || seen.all) {
            return request;
        }
        return new KeptRequest(request, seen.names);
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
        List<String> found = null;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                if (found == null) {
                    found = new ArrayList<>(1);
                }
                found.add(fields[i + 1]);
            }
        }
        return found == null ? List.of() : List.copyOf(found);
    }

    @Override
    public List<String> headerNames() {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String> ordered = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            if (names.add(fields[i])) {
                ordered.add(fields[i]);
            }
        }
        return List.copyOf(ordered);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }

    /**
     * The request as the upgrade hook sees it: every header it looks up by name is noted, and
     * listing {@link #headerNames()} notes all of them. One thread (the handshake's).
     */
    public static final class Recorder implements HandshakeRequest {
        private final HandshakeRequest request;
        private final Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        private boolean all;

        public Recorder(HandshakeRequest request) {
            this.request = request;
        }

        @Override
        public String method() {
            return request.method();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public String query() {
            return request.query();
        }

        @Override
        public List<String> headers(String name) {
            names.add(name);
            return request.headers(name);
        }

        @Override
        public List<String> headerNames() {
            all = true;
            return request.headerNames();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return request.remoteAddress();
        }

        @Override
        public String toString() {
            return request.toString();
        }
    }
}
