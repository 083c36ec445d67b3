package dev.shuttle.examples.chamber;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;

/**
 * A measuring tool, not a test: {@code ChamberAttack PORT CHAMBERS MEMBERS} opens
 * CHAMBERS × MEMBERS connections that never read, each starting a message of almost
 * {@code --max-message-size} to everyone else and then trickling 1-byte fragments, so that the
 * server holds what the memory bound counts: a message being joined per sender, waiting frames
 * per receiver, full write queues. Then it holds the sockets open until stdin ends. Watch the
 * server's heap meanwhile (README, echo-chamber, Memory).
 */
final class ChamberAttack {
    private ChamberAttack() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int chambers = Integer.parseInt(args[1]);
        int members = Integer.parseInt(args[2]);
        List<Socket> sockets = new ArrayList<>();
        byte[] big = ("\n" + "a".repeat(60 * 1024)).getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < chambers; c++) {
            for (int m = 0; m < members; m++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096); // small, so that the server's side fills soon
                s.connect(new InetSocketAddress("127.0.0.1", port));
                OutputStream out = s.getOutputStream();
                out.write(("GET /attack" + c + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: echo\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
        }
        for (Socket s : sockets) {
            send(s, new Frame(false, 0, Opcode.TEXT, big));
        }
        for (int round = 0; round < 100; round++) {
            for (Socket s : sockets) {
                if (!s.isClosed()) {
                    send(s, new Frame(false, 0, Opcode.CONTINUATION, new byte[] {'b'}));
                }
            }
        }
        System.out.println(sockets.size() + " connections attacking; end stdin to stop");
        System.in.read();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static void send(Socket s, Frame f) {
        try {
            ByteBuffer b = f.encode(0x01020304);
            s.getOutputStream().write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } catch (IOException e) {
            try {
                s.close(); // the server closed it (1008, say): fine
            } catch (IOException ignored) {
                // closing only
            }
        }
    }
}
