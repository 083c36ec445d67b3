package dev.shuttle.autobahn.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;

/** The fuzzer's own opening handshake as a client (RFC 6455 §4.1), written and checked by hand. */
final class ClientHandshake {
    /** The request and response heads, for the report. */
    record Exchange(String request, String response) {
    }

    private static final int MAX_HEAD = 16 << 10;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private ClientHandshake() {
    }

    /** Sends the upgrade request and reads the response; throws unless it is a valid 101. */
    static Exchange perform(OutputStream out, InputStream in, String host, int port, String path, String extensions)
            throws IOException {
        byte[] nonce = new byte[16];
        new Random().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("User-Agent: shuttle-autobahn-fuzzingclient\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Pragma: no-cache\r\n")
                .append("Cache-Control: no-cache\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (extensions != null) {
            req.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String response = readHead(in);
        String[] lines = response.split("\r\n");
        if (lines.length == 0 || !lines[0].matches("HTTP/1\\.1 101( .*)?")) {
            throw new IOException("expected 101, got: " + (lines.length == 0 ? "nothing" : lines[0]));
        }
        String accept = header(lines, "sec-websocket-accept");
        if (accept == null || !accept.equals(acceptKey(key))) {
            throw new IOException("wrong Sec-WebSocket-Accept: " + accept);
        }
        return new Exchange(req.toString(), response);
    }

    /** The value of a header (first occurrence, case-insensitive name), or null. */
    static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return lines[i].substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Reads up to and including the blank line, one octet at a time so no frame byte is consumed. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the opening handshake");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("response head above " + MAX_HEAD + " octets");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
