package dev.shuttle.websocket.hub;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that upgrades and then reads nothing until told to: the slow consumer. Its receive
 * buffer is small, so the server's queue fills after a few messages.
 */
final class SilentPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    SilentPeer(InetSocketAddress server, String path) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(server, 10_000);
        socket.setSoTimeout(20_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
    }

    /** Our local port: how a test finds this peer's connection on the server. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Reads the next unmasked server frame's payload (whole messages only in these tests); null at a close frame. */
    byte[] nextMessage() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return (b0 & 0x0F) == 0x8 ? null : payload;
    }

    /** A TCP reset: the peer vanishes without a close frame. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
