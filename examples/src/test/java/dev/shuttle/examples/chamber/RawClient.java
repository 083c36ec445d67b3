package dev.shuttle.examples.chamber;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.FrameDecoder;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.WebSocketException;

/**
 * A WebSocket client over a plain socket, written for these tests: it sends exactly the frames
 * it is told to (fragments, a message left unfinished, an abrupt end) and reads the server's
 * frames with the library's {@link FrameDecoder}, which shares nothing with the server's reader.
 * Every read has a hang guard ({@link #WAIT_MILLIS}); pings are answered.
 */
final class RawClient implements AutoCloseable {
    static final int WAIT_MILLIS = 10_000;

    /** One message from the server: text, binary, or the close frame (then {@code code} is set). */
    record Message(Opcode opcode, byte[] data, int code, String reason) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        boolean isClose() {
            return opcode == Opcode.CLOSE;
        }

        @Override
        public String toString() {
            return switch (opcode) {
                case CLOSE -> "close " + code + " " + reason;
                case BINARY -> "binary " + java.util.HexFormat.of().formatHex(data);
                default -> "text " + text().replace("\n", "\\n");
            };
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The status line's code: 101 when upgraded. */
    final int status;
    /** The response head's headers (last value wins), lower-case names. */
    final Map<String, String> headers = new LinkedHashMap<>();
    private final FrameDecoder decoder = new FrameDecoder(false, 1 << 24);
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();
    /** The opcode of the data message whose frames are arriving. */
    private Opcode messageOpcode;

    private RawClient(Socket socket, int status, byte[] leftover) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        append(leftover, leftover.length);
    }

    /** Connects to {@code target} offering the {@code echo} subprotocol. */
    static RawClient connect(int port, String target) throws IOException {
        return connect(port, target, Map.of("Sec-WebSocket-Protocol", "echo"));
    }

    /** Sends an upgrade request with these extra headers and reads the response head. */
    static RawClient connect(int port, String target, Map<String, String> extra) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), WAIT_MILLIS);
        socket.setSoTimeout(WAIT_MILLIS);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        extra.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        // Read the head byte by byte so that no frame byte after it is lost.
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = lines.length > 0 && lines[0].length() >= 12 ? Integer.parseInt(lines[0].substring(9, 12)) : -1;
        RawClient client = new RawClient(socket, status, new byte[0]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                client.headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return client;
    }

    /** Sends one masked frame as given. */
    void frame(boolean fin, Opcode opcode, byte[] payload) throws IOException {
        ByteBuffer encoded = new Frame(fin, 0, opcode, payload).encode(ThreadLocalRandom.current().nextInt());
        out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
        out.flush();
    }

    void text(String text) throws IOException {
        frame(true, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts the close handshake with this code. */
    void closeFrame(int code) throws IOException {
        frame(true, Opcode.CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** The next whole message (fragments joined) or the close frame; pings are answered on the way. */
    Message next() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            Frame f = nextFrame();
            switch (f.opcode()) {
                case PING -> frame(true, Opcode.PONG, f.payload());
                case PONG -> {
                }
                case CLOSE -> {
                    return new Message(Opcode.CLOSE, f.payload(), f.closeCode(), f.closeReason());
                }
                default -> {
                    data.writeBytes(f.payload());
                    if (f.fin()) {
                        return new Message(messageOpcode, data.toByteArray(), 0, "");
                    }
                }
            }
        }
    }

    /** The next message's text; fails on a close or binary message. */
    String nextText() throws IOException {
        Message m = next();
        if (m.opcode() != Opcode.TEXT) {
            throw new AssertionError("expected a text message, got " + m);
        }
        return m.text();
    }

    /** The next frame from the server. */
    Frame nextFrame() throws IOException {
        while (true) {
            try {
                Frame f = decoder.decode(buffer);
                if (f != null) {
                    if (f.opcode() == Opcode.TEXT || f.opcode() == Opcode.BINARY) {
                        messageOpcode = f.opcode();
                    }
                    return f;
                }
            } catch (WebSocketException e) {
                throw new IOException("bad frame from the server", e);
            }
            byte[] chunk = new byte[16 * 1024];
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("nothing from the server within " + WAIT_MILLIS + " ms", e);
            }
            if (n < 0) {
                throw new java.io.EOFException("the server closed the connection");
            }
            append(chunk, n);
        }
    }

    /** True when the server ends the TCP stream (after its close frame) within the hang guard. */
    boolean awaitEnd() throws IOException {
        try {
            while (true) {
                if (buffer.hasRemaining()) {
                    buffer.position(buffer.limit());
                }
                byte[] chunk = new byte[4096];
                if (in.read(chunk) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: ended too
        }
    }

    private void append(byte[] chunk, int n) {
        buffer.compact(); // unread bytes to the front, write mode
        if (buffer.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
            bigger.put(buffer.flip());
            buffer = bigger;
        }
        buffer.put(chunk, 0, n).flip();
    }

    /** Drops the TCP connection without a close frame (the peer "vanishes"). */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
