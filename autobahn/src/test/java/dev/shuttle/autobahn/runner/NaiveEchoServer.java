package dev.shuttle.autobahn.runner;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately careless echo server for the runner's own tests: it echoes every data frame
 * as it comes (RSV bits, reserved opcodes and invalid UTF-8 included), answers pings, and
 * echoes any close frame as is. A runner that passes this server is not testing anything.
 */
final class NaiveEchoServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    NaiveEchoServer() throws IOException {
        Thread.ofVirtual().name("naive-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("naive-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String head = ClientHandshake.readHead(in);
            String key = ClientHandshake.header(head.split("\r\n"), "sec-websocket-key");
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + ClientHandshake.acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            while (true) {
                Wire.Frame f = Wire.read(in, 64L << 20);
                if (f == null) {
                    return;
                }
                int opcode = f.opcode() == Wire.PING ? Wire.PONG : f.opcode();
                if (opcode == Wire.PONG && f.opcode() != Wire.PING) {
                    continue;
                }
                out.write(Wire.encode(opcode, f.fin(), 0, f.payload(), null));
                if (opcode == Wire.CLOSE) {
                    return;
                }
            }
        } catch (IOException e) {
            // the fuzzer dropped us
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
