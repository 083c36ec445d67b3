package dev.shuttle.websocket.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A raw upgrade request of given header lines (repeats allowed), answered by a refusal that the
 * listener closes after: the whole response as text. And the JDK client's view of a refusal.
 */
final class Http {
    private Http() {
    }

    /** Sends a GET upgrade to {@code target} with the extra header lines; returns head and body. */
    static String exchange(URI server, String target, String... extraLines) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\n")
                    .append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            for (String line : extraLines) {
                req.append(line).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            // A refusal ends with the listener closing; a 101 is cut after its head.
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
                String sofar = all.toString(StandardCharsets.ISO_8859_1);
                if (sofar.startsWith("HTTP/1.1 101") && sofar.contains("\r\n\r\n")) {
                    break;
                }
                if (all.size() > 65536) {
                    break;
                }
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** The value of the first header line of that name in a raw response, or null. */
    static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static String body(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? "" : response.substring(end + 4);
    }

    /** A JDK client upgrade with headers and subprotocols; the open socket or the refusal. */
    record Outcome(WebSocket webSocket, int status, Map<String, List<String>> headers) {
        String subprotocol() {
            return webSocket.getSubprotocol();
        }
    }

    static Outcome jdk(HttpClient client, URI uri, Map<String, String> headers, String... subprotocols) throws Exception {
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS);
            return new Outcome(ws, 101, Map.of());
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return new Outcome(null, h.getResponse().statusCode(), h.getResponse().headers().map());
            }
            throw e;
        }
    }
}
