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
 * An attack on the chambers' memory: CHAMBERS × MEMBERS connections ({@code /attack0},
 * {@code /attack1}, …) that never read, each starting a message of almost
 * {@code --max-message-size} to everyone else and then trickling 1-byte fragments, so that the
 * server holds what the memory bound counts: a message being joined per sender, waiting frames
 * per receiver, full write queues. {@link EchoChamberMemoryTest} runs it against a child JVM;
 * {@code ChamberAttack PORT CHAMBERS MEMBERS} runs it by hand and holds the sockets open until
 * stdin ends, while you watch the server's heap (README, echo-chamber, Memory).
 * <p>
 * Writes block; the server reads every connection until it closes it, so they do not block
 * for long. A socket the server closed (1008, say) is closed here on the first failed write.
 * Not thread-safe: one thread drives it.
 */
final class ChamberAttack implements AutoCloseable {
    /** The first frame's payload: an empty metadata line (to everyone else) and 60 KiB. */
    static final int FIRST_FRAME = 1 + 60 * 1024;

    private final List<Socket> sockets = new ArrayList<>();

    private ChamberAttack() {
    }

    public static void main(String[] args) throws Exception {
        try (ChamberAttack attack = connect(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]))) {
            attack.startMessages();
            attack.trickle(100);
            System.out.println(attack.connections() + " connections attacking; end stdin to stop");
            System.in.read();
        }
    }

    /** Opens the connections and sends their upgrade requests (the responses are never read). */
    static ChamberAttack connect(int port, int chambers, int members) throws IOException {
        ChamberAttack attack = new ChamberAttack();
        try {
            for (int c = 0; c < chambers; c++) {
                for (int m = 0; m < members; m++) {
                    Socket s = new Socket();
                    attack.sockets.add(s);
                    s.setReceiveBufferSize(4096); // small, so that the server's side fills soon
                    s.connect(new InetSocketAddress("127.0.0.1", port));
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /attack" + c + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: echo\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException | RuntimeException e) {
            attack.close();
            throw e;
        }
        return attack;
    }

    /** Every connection starts its message: the first {@link #FIRST_FRAME} bytes, not final. */
    void startMessages() {
        byte[] big = ("\n" + "a".repeat(FIRST_FRAME - 1)).getBytes(StandardCharsets.US_ASCII);
        for (Socket s : sockets) {
            send(s, new Frame(false, 0, Opcode.TEXT, big));
        }
    }

    /** {@code rounds} times, every connection still open sends a 1-byte continuation, not final. */
    void trickle(int rounds) {
        for (int round = 0; round < rounds; round++) {
            for (Socket s : sockets) {
                if (!s.isClosed()) {
                    send(s, new Frame(false, 0, Opcode.CONTINUATION, new byte[] {'b'}));
                }
            }
        }
    }

    /** Connections not yet seen closed from this side. */
    int connections() {
        int open = 0;
        for (Socket s : sockets) {
            if (!s.isClosed()) {
                open++;
            }
        }
        return open;
    }

    /** Closes every socket (no close frame: the attackers vanish). */
    @Override
    public void close() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private static void send(Socket s, Frame f) {
        try {
            ByteBuffer b = f.encode(0x01020304);
            s.getOutputStream().write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } catch (IOException e) {
            closeQuietly(s); // the server closed it (1008, say): fine
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing only
        }
    }
}
