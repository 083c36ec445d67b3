package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a UNIX domain socket, written by hand: the upgrade request, masked
 * frames ({@link WireFrame}) and the decoding of the server's. A blocking channel has no read
 * timeout; the test's {@code @Timeout} interrupts a read that hangs, which closes the channel.
 */
public final class UnixRawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final String statusLine;

    private UnixRawClient(SocketChannel channel, InputStream in, String statusLine) {
        this.channel = channel;
        this.in = in;
        this.out = Channels.newOutputStream(channel);
        this.statusLine = statusLine;
    }

    /** Connects to the socket at {@code path}, sends a valid upgrade request for {@code target} and reads the answer's head. */
    public static UnixRawClient open(Path path, String target) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream o = Channels.newOutputStream(channel);
            o.write(request.getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            String head = readHead(in);
            UnixRawClient client = new UnixRawClient(channel, in, head.substring(0, head.indexOf("\r\n")));
            if (client.status() == 101) {
                String accept = "Sec-WebSocket-Accept: " + RawClient.acceptKey(key) + "\r\n";
                if (!head.contains(accept)) {
                    throw new AssertionError("101 without the right accept key: " + head);
                }
            }
            return client;
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** Like {@link #open}, and asserts the upgrade succeeded. */
    public static UnixRawClient connect(Path path, String target) throws IOException {
        UnixRawClient c = open(path, target);
        if (c.status() != 101) {
            c.close();
            throw new AssertionError("upgrade refused: " + c.statusLine);
        }
        return c;
    }

    public int status() {
        return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }

    public String statusLine() {
        return statusLine;
    }

    public UnixRawClient sendText(String text) throws IOException {
        out.write(WireFrame.maskedText(text));
        out.flush();
        return this;
    }

    /** The next frame; pings are skipped. */
    public WireFrame readFrame() throws IOException {
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                throw new EOFException("the server closed the connection");
            }
            WireFrame f = WireFrame.readAfterFirstByte(b0, in);
            assertFalse(f.masked(), "a server must not mask its frames: " + f);
            if (f.opcode() != WireFrame.PING) {
                return f;
            }
        }
    }

    /** The next frame as a whole text message. */
    public String readText() throws IOException {
        WireFrame f = readFrame();
        assertEquals(WireFrame.TEXT, f.opcode(), "text frame expected: " + f);
        return f.text();
    }

    /** Sends a close frame with 1000 and reads until the server's close frame. */
    public WireFrame closeHandshake() throws IOException {
        out.write(WireFrame.masked(WireFrame.CLOSE, WireFrame.closePayload(1000, "")));
        out.flush();
        while (true) {
            WireFrame f = readFrame();
            if (f.opcode() == WireFrame.CLOSE) {
                return f;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + buf.toString(StandardCharsets.ISO_8859_1));
            }
            buf.write(b);
            last4 = (last4 << 8) | b;
            if (buf.size() > 65536) {
                throw new IOException("response head too long");
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
