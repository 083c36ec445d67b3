package dev.shuttle.websocket.internal.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.internal.handshake.Handshake;

/**
 * A hand-written server on a loopback ServerSocket: it accepts one connection, reads the request
 * head and gives the test the raw socket, so the test controls every byte the client sees.
 */
final class RawServer implements AutoCloseable {
    /** A frame as read off the wire: first byte, MASK bit, masking key, unmasked payload. */
    record WireFrame(int b0, boolean masked, int maskKey, byte[] payload) {
        int opcode() {
            return b0 & 0x0F;
        }

        boolean fin() {
            return (b0 & 0x80) != 0;
        }
    }

    final ServerSocket server;
    private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
    private Socket socket;
    private String requestHead;

    RawServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                accepted.complete(server.accept());
            } catch (IOException e) {
                accepted.completeExceptionally(e);
            }
        });
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/raw");
    }

    /** Waits for the client and reads its request head. */
    String acceptRequest() throws Exception {
        socket = accepted.get(10, TimeUnit.SECONDS);
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed inside its request");
            }
            head.write(b);
        }
        requestHead = head.toString(StandardCharsets.ISO_8859_1);
        return requestHead;
    }

    String key() {
        for (String line : requestHead.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                return line.substring(18).trim();
            }
        }
        throw new AssertionError("no key in " + requestHead);
    }

    /** A correct 101 for the request read, plus extra header lines (each ending in CRLF). */
    String switching(String extraHeaders) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + Handshake.acceptKey(key()) + "\r\n" + extraHeaders + "\r\n";
    }

    Socket socket() {
        return socket;
    }

    void send(byte[]... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        out.flush();
    }

    void send(String ascii) throws IOException {
        send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** An unmasked server frame with a payload under 126 bytes. */
    static byte[] frame(int opcode, byte[] payload) {
        byte[] f = new byte[2 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 2, payload.length);
        return f;
    }

    static byte[] closeFrame(int code) {
        return frame(0x8, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** Reads one frame (RFC 6455 §5.2) and unmasks its payload. */
    WireFrame readFrame() throws IOException {
        InputStream in = socket.getInputStream();
        int b0 = readByte(in);
        int b1 = readByte(in);
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte(in);
            }
        }
        boolean masked = (b1 & 0x80) != 0;
        int key = 0;
        byte[] k = new byte[4];
        if (masked) {
            k = in.readNBytes(4);
            key = ((k[0] & 0xFF) << 24) | ((k[1] & 0xFF) << 16) | ((k[2] & 0xFF) << 8) | (k[3] & 0xFF);
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("end of stream inside a frame");
        }
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= k[i % 4];
            }
        }
        return new WireFrame(b0, masked, key, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (socket != null) {
            socket.close();
        }
        accepted.thenAccept(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // the test is over
            }
        });
    }
}
