package dev.shuttle.bench.soak;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import dev.shuttle.bench.load.ClientFrames;
import dev.shuttle.bench.load.ClientHandshake;

/**
 * One hostile (or fresh) peer on a blocking socket: it writes what a phase tells it to, the
 * upgrade request whole or in part, frames whole or just their header, and it can vanish with a
 * TCP reset (SO_LINGER 0) at any point. Reads wait at most {@link #READ_TIMEOUT_MILLIS}.
 */
final class SoakSocket implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ClientHandshake handshake;

    private SoakSocket(Socket socket, ClientHandshake handshake) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.handshake = handshake;
    }

    /** Connects; {@code receiveBuffer} > 0 shrinks SO_RCVBUF first (a slow consumer's small window). */
    static SoakSocket connect(String host, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MILLIS);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            return new SoakSocket(s, new ClientHandshake(host, port, "/"));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The whole upgrade request this peer would send. */
    byte[] request() {
        return handshake.request();
    }

    /** Sends the upgrade request and checks the 101 (RFC 6455 §4.2.2). */
    SoakSocket upgrade() throws IOException {
        send(handshake.request());
        byte[] head = new byte[4096];
        int len = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the response head");
            }
            if (len == head.length) {
                throw new IOException("response head over " + head.length + " bytes");
            }
            head[len++] = (byte) b;
            if (handshake.check(head, len) >= 0) {
                return this;
            }
        }
    }

    void send(byte[] bytes) throws IOException {
        send(bytes, 0, bytes.length);
    }

    void send(byte[] bytes, int off, int len) throws IOException {
        out.write(bytes, off, len);
        out.flush();
    }

    /** One final, masked frame. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        send(frame(opcode, payload));
    }

    /** The bytes of one final, masked frame with a random key. */
    static byte[] frame(int opcode, byte[] payload) {
        byte[] f = new byte[ClientFrames.frameLength(payload.length)];
        ClientFrames.encode(f, 0, opcode, payload, 0, payload.length, ThreadLocalRandom.current().nextInt());
        return f;
    }

    /** Only the header of a masked frame declaring {@code length} payload bytes. */
    static byte[] header(int opcode, long length) {
        byte[] h = new byte[14];
        int n = ClientFrames.putHeader(h, 0, opcode, length, ThreadLocalRandom.current().nextInt());
        return Arrays.copyOf(h, n);
    }

    /** A server frame: opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The next server frame (servers do not mask, §5.1). */
    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("a masked server frame");
        }
        long len = b1 & 0x7F;
        if (len >= 126) {
            int extra = len == 126 ? 2 : 8;
            len = 0;
            for (int i = 0; i < extra; i++) {
                len = len << 8 | readByte();
            }
        }
        if (len > 16 << 20) {
            throw new IOException("server frame of " + len + " bytes");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("closed inside a frame");
        }
        return new Frame(b0 & 0x0F, payload);
    }

    /** Reads and discards until the server closes or the socket fails: a reader that keeps up. */
    void drain() {
        byte[] sink = new byte[16 * 1024];
        try {
            socket.setSoTimeout(0);
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException gone) {
            // reset or closed: this reader is done
        }
    }

    /** Sends a text message and checks that the same text comes back first. */
    void echo(String text) throws IOException {
        sendFrame(ClientFrames.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
        Frame f = readFrame();
        if (f.opcode() != ClientFrames.OP_TEXT || !f.text().equals(text)) {
            throw new IOException("expected the echo of '" + text + "', got opcode " + f.opcode() + " '" + f.text() + "'");
        }
    }

    /** The closing handshake from our side (§7.1.2): close 1000, wait for the server's close, then drop TCP. */
    void closeHandshake() throws IOException {
        sendFrame(ClientFrames.OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
        while (readFrame().opcode() != ClientFrames.OP_CLOSE) {
            // skip what was still in flight
        }
        close();
    }

    /** Vanishes with a TCP reset (SO_LINGER 0): the server sees ECONNRESET, no FIN, no close frame. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
