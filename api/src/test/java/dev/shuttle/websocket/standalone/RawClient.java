package dev.shuttle.websocket.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** A blocking loopback socket that speaks whatever bytes a test gives it. */
final class RawClient implements AutoCloseable {
    /** Generous: a test that reaches it has failed anyway; JUnit's @Timeout bounds the whole test. */
    private static final int SO_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, SO_TIMEOUT_MILLIS);
        socket.setSoTimeout(SO_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads until the server closes (or resets after its answer) and returns everything as ISO-8859-1. */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // A reset after the answer still ends the stream; what arrived before it counts.
            if (all.size() == 0) {
                throw e;
            }
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads up to and including the blank line that ends a response head. */
    String readHead() throws IOException {
        StringBuilder sb = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    byte[] readExactly(int n) throws IOException {
        return socket.getInputStream().readNBytes(n);
    }

    int read() throws IOException {
        return socket.getInputStream().read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
