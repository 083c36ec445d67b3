package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for input that a real client would never send: the
 * upgrade request is written by hand (any method, any headers), frames are built byte by byte
 * ({@link WireFrame}) and masked unless asked otherwise, and server frames are decoded by a small
 * decoder of its own. Reads wait at most {@link #READ_TIMEOUT} (or the given timeout).
 * <p>
 * For overflow tests, {@link Builder#receiveBuffer(int)} shrinks SO_RCVBUF and the test simply
 * never reads: the server's writes then back up into its queue.
 */
public final class RawClient implements AutoCloseable {
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final HttpHead head;

    private RawClient(Socket socket, InputStream in, HttpHead head) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.head = head;
    }

    /** The status line and headers of an HTTP response. Header names are kept lower-case. */
    public record HttpHead(int status, String statusLine, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    /** Connects with a valid upgrade request to the URI's path and query. */
    public static RawClient connect(URI uri) throws IOException {
        return to(uri).connect();
    }

    /** The server's answer to the upgrade. */
    public HttpHead head() {
        return head;
    }

    public Socket socket() {
        return socket;
    }

    // ---- sending ----

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A masked frame. */
    public RawClient sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        return send(WireFrame.encode(fin, 0, opcode, payload, true));
    }

    public RawClient sendText(String text) throws IOException {
        return sendFrame(true, WireFrame.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public RawClient sendBinary(byte[] data) throws IOException {
        return sendFrame(true, WireFrame.BINARY, data);
    }

    public RawClient sendPing(byte[] payload) throws IOException {
        return sendFrame(true, WireFrame.PING, payload);
    }

    public RawClient sendClose(int code, String reason) throws IOException {
        return sendFrame(true, WireFrame.CLOSE, WireFrame.closePayload(code, reason));
    }

    // ---- receiving ----

    /** The next frame; fails the test when none arrives within {@link #READ_TIMEOUT}. */
    public WireFrame readFrame() throws IOException {
        WireFrame f = pollFrame(READ_TIMEOUT);
        if (f == null) {
            fail("no frame from the server within " + READ_TIMEOUT);
        }
        return f;
    }

    /**
     * The next frame, or null when its first byte does not arrive within the timeout (the stream
     * stays consistent: nothing was consumed). Fails the test on end of stream.
     */
    public WireFrame pollFrame(Duration timeout) throws IOException {
        int b0;
        socket.setSoTimeout(timeoutMillis(timeout));
        try {
            b0 = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (b0 < 0) {
            throw new EOFException("the server closed the TCP connection");
        }
        socket.setSoTimeout(timeoutMillis(READ_TIMEOUT));
        WireFrame f = WireFrame.readAfterFirstByte(b0, in);
        assertFalse(f.masked(), "a server must not mask its frames (RFC 6455 §5.1): " + f);
        return f;
    }

    /** The next whole data message (fragments joined); pings and pongs in between are skipped. Fails on a close. */
    public WireFrame readMessage() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            WireFrame f = readFrame();
            if (f.opcode() == WireFrame.PING || f.opcode() == WireFrame.PONG) {
                continue;
            }
            if (f.opcode() == WireFrame.CLOSE) {
                fail("expected a data message, got " + f);
            }
            if (opcode < 0) {
                assertTrue(f.opcode() == WireFrame.TEXT || f.opcode() == WireFrame.BINARY, "message start: " + f);
                opcode = f.opcode();
            } else {
                assertEquals(WireFrame.CONTINUATION, f.opcode(), "continuation expected: " + f);
            }
            data.writeBytes(f.payload());
            if (f.fin()) {
                return new WireFrame(true, 0, opcode, false, data.toByteArray());
            }
        }
    }

    /**
     * Reads frames until a close frame, asserts its code, then asserts that the server drops the
     * TCP connection (end of stream, or a reset). Does not answer the close.
     */
    public WireFrame expectClose(int code) throws IOException {
        WireFrame close = readUntilClose();
        assertEquals(code, close.closeCode(), "close code of " + close);
        expectEof();
        return close;
    }

    /** Reads frames (skipping all others) until a close frame and returns it. */
    public WireFrame readUntilClose() throws IOException {
        List<WireFrame> skipped = new ArrayList<>();
        while (true) {
            WireFrame f;
            try {
                f = readFrame();
            } catch (EOFException e) {
                throw new AssertionError("TCP closed without a close frame; frames before: " + skipped, e);
            } catch (SocketException e) {
                throw new AssertionError("TCP reset without a close frame; frames before: " + skipped, e);
            }
            if (f.opcode() == WireFrame.CLOSE) {
                return f;
            }
            if (skipped.size() < 16) {
                skipped.add(f);
            }
        }
    }

    /**
     * Asserts that the server closes the TCP connection (within {@link #READ_TIMEOUT}) and sends
     * nothing more; then closes the socket, as a client does after the server's FIN (§7.1.1).
     */
    public void expectEof() throws IOException {
        socket.setSoTimeout(timeoutMillis(READ_TIMEOUT));
        try {
            int b = in.read();
            if (b >= 0) {
                fail("expected end of stream after the close frame, got more bytes starting with 0x" + Integer.toHexString(b));
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the TCP connection within " + READ_TIMEOUT);
        } catch (SocketException e) {
            // a reset also drops the connection
        }
        close();
    }

    /** Closes the socket without a close frame. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Drops the connection with a TCP reset (SO_LINGER 0). */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    public static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Builds the upgrade request: a valid version-13 request unless headers are changed or removed. */
    public static final class Builder {
        private final URI uri;
        private String method = "GET";
        private String target;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private int receiveBuffer;
        private byte[] earlyBytes = new byte[0];
        private final String key;

        private Builder(URI uri) {
            this.uri = uri;
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            key = Base64.getEncoder().encodeToString(nonce);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            headers.put("Host", uri.getHost() + ":" + uri.getPort());
            headers.put("Upgrade", "websocket");
            headers.put("Connection", "Upgrade");
            headers.put("Sec-WebSocket-Key", key);
            headers.put("Sec-WebSocket-Version", "13");
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /** The request target (path and query), replacing the URI's. */
        public Builder target(String pathAndQuery) {
            this.target = pathAndQuery;
            return this;
        }

        /** Sets a header, or removes it with {@code null}. */
        public Builder header(String name, String value) {
            headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            if (value != null) {
                headers.put(name, value);
            }
            return this;
        }

        /** SO_RCVBUF to ask for before connecting (0: the system's default). */
        public Builder receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        /** Bytes sent in the same write as the request, right after its head (e.g. pipelined frames). */
        public Builder earlyBytes(byte[] bytes) {
            this.earlyBytes = bytes;
            return this;
        }

        /** Sends the request and returns the server's answer; the socket is closed. */
        public HttpHead exchange() throws IOException {
            try (RawClient c = open()) {
                return c.head;
            }
        }

        /** Sends the request, asserts a valid 101 (RFC 6455 §4.2.2) and returns the open client. */
        public RawClient connect() throws IOException {
            RawClient c = open();
            boolean ok = false;
            try {
                HttpHead h = c.head;
                assertEquals(101, h.status(), "upgrade refused: " + h);
                assertTrue("websocket".equalsIgnoreCase(h.header("Upgrade")), "Upgrade header: " + h);
                assertTrue(h.header("Connection") != null && h.header("Connection").toLowerCase(Locale.ROOT).contains("upgrade"),
                        "Connection header: " + h);
                assertEquals(acceptKey(key), h.header("Sec-WebSocket-Accept"), "Sec-WebSocket-Accept");
                ok = true;
                return c;
            } finally {
                if (!ok) {
                    c.close();
                }
            }
        }

        private RawClient open() throws IOException {
            Socket s = new Socket();
            try {
                if (receiveBuffer > 0) {
                    s.setReceiveBufferSize(receiveBuffer);
                }
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis(READ_TIMEOUT));
                s.setSoTimeout(timeoutMillis(READ_TIMEOUT));
                StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
                headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
                req.append("\r\n");
                OutputStream o = s.getOutputStream();
                o.write(WireFrame.concat(req.toString().getBytes(StandardCharsets.ISO_8859_1), earlyBytes));
                o.flush();
                InputStream in = new BufferedInputStream(s.getInputStream());
                return new RawClient(s, in, readHead(in));
            } catch (IOException | RuntimeException | Error e) {
                s.close();
                throw e;
            }
        }

        private static HttpHead readHead(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed in the response head: " + buf.toString(StandardCharsets.ISO_8859_1));
                }
                buf.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                        : (b == '\r' ? 1 : 0);
                if (buf.size() > 65536) {
                    throw new IOException("response head too long");
                }
            }
            String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            return new HttpHead(Integer.parseInt(status[1]), lines[0], headers);
        }
    }
}
