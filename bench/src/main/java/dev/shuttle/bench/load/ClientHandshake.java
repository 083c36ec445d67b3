package dev.shuttle.bench.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load generator's own opening handshake (RFC 6455 §4.1): a minimal GET with a random key,
 * and a check of the answer's status line and {@code Sec-WebSocket-Accept} (§4.2.2), so that a
 * server that answers anything but a real upgrade is noticed instead of being measured.
 */
public final class ClientHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String key;
    private final byte[] request;

    public ClientHandshake(String host, int port, String path) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.request = ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] request() {
        return request;
    }

    /** §4.2.2: base64(SHA-1(key + GUID)). */
    public static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Looks for the end of the response head in {@code buf[0, len)}. Returns -1 when it is not
     * complete yet, otherwise the index just past the blank line (where frames start).
     *
     * @throws IllegalStateException when the head is complete but is not a valid 101 for our key
     */
    public int check(byte[] buf, int len) {
        int end = -1;
        for (int i = 3; i < len; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            return -1;
        }
        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            throw new IllegalStateException("upgrade refused: " + lines[0]);
        }
        String expected = acceptFor(key);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                String accept = lines[i].substring(colon + 1).trim();
                if (!accept.equals(expected)) {
                    throw new IllegalStateException("wrong Sec-WebSocket-Accept " + accept + ", expected " + expected);
                }
                return end;
            }
        }
        throw new IllegalStateException("101 without Sec-WebSocket-Accept");
    }
}
