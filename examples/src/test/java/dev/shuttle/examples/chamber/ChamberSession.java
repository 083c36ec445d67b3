package dev.shuttle.examples.chamber;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;

/**
 * One scripted client session against an echo-chamber server, written down as a transcript:
 * the same bytes sent to the npm reference ({@code websocket-echo-chamber} 1.0.0) and to ours
 * must give the same transcript. The server must run the reference's halls ({@code /p2/} and
 * {@code /}) with the Origin list {@code file://,https://a.example}.
 * <p>
 * Every step reads exactly the messages it expects; a member's marker to itself at the end
 * shows anything unexpected. Only messages are compared, not how they are split into frames
 * (the reference sends {@code F<n>\n} as a frame of its own). Long bodies are written as their
 * length and SHA-256 prefix.
 * <p>
 * {@code java -cp examples/target/test-classes:examples/target/shuttle-examples.jar
 * dev.shuttle.examples.chamber.ChamberSession PORT} prints it (see
 * {@code examples/scripts/compare-echo-chamber.sh}).
 */
final class ChamberSession {
    static final String ORIGIN = "file://";

    private final int port;
    private final List<String> transcript = new ArrayList<>();

    private ChamberSession(int port) {
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        for (String line : run(Integer.parseInt(args[0]))) {
            System.out.println(line);
        }
    }

    static List<String> run(int port) throws IOException {
        ChamberSession s = new ChamberSession(port);
        try {
            s.script();
        } catch (IOException | AssertionError e) {
            s.transcript.add("session stopped: " + e.getMessage());
        }
        return s.transcript;
    }

    /** A named client; everything it receives goes into the transcript. */
    private final class Peer implements AutoCloseable {
        final String name;
        final RawClient client;

        Peer(String name, String target, Map<String, String> headers) throws IOException {
            this.name = name;
            this.client = RawClient.connect(port, target, headers);
            note("connect " + target + " -> " + client.status
                    + (client.status == 101 ? " protocol " + client.headers.get("sec-websocket-protocol") : ""));
        }

        /** Reads {@code n} messages into the transcript. */
        Peer expect(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                RawClient.Message m = client.next();
                note("got " + (m.isClose() ? "close " + m.code() + " " + m.reason() : describe(m)));
            }
            return this;
        }

        /** Reads frames until the message in progress holds exactly {@code text} so far (the reference splits differently). */
        void expectStart(String text) throws IOException {
            StringBuilder got = new StringBuilder();
            while (got.length() < text.length()) {
                Frame f = client.nextFrame();
                got.append(new String(f.payload(), StandardCharsets.UTF_8));
            }
            note("got the start of " + got.toString().replace("\n", "\\n"));
        }

        void send(String text) throws IOException {
            client.text(text);
        }

        void frame(boolean fin, Opcode opcode, String text) throws IOException {
            client.frame(fin, opcode, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends itself a marker and notes whatever arrived before it. */
        void sync(int ownId) throws IOException {
            send("T" + ownId + "\nsync");
            String marker = "F" + ownId + "\nsync";
            for (RawClient.Message m = client.next(); ; m = client.next()) {
                if (!m.isClose() && m.text().equals(marker)) {
                    break;
                }
                if (m.isClose()) {
                    note("got (before sync) close " + m.code() + " " + m.reason());
                    break;
                }
                note("got (before sync) " + describe(m));
            }
        }

        void note(String line) {
            transcript.add(name + ": " + line);
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    private Peer peer(String name, String target) throws IOException {
        return new Peer(name, target, headers(ORIGIN));
    }

    private static Map<String, String> headers(String origin) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Sec-WebSocket-Protocol", "echo");
        if (origin != null) {
            h.put("Origin", origin);
        }
        return h;
    }

    private void step(String title) {
        transcript.add("== " + title);
    }

    private void script() throws IOException {
        step("join, hi");
        Peer a = peer("A", "/s1");
        a.expect(1);
        Peer b = peer("B", "/s1");
        b.expect(1);
        a.expect(1);
        Peer c = peer("C", "/s1");
        c.expect(1);
        a.expect(1);
        b.expect(1);

        step("to everyone else, to all, to some");
        a.send("\nhello\nworld");
        b.expect(1);
        c.expect(1);
        b.send("T**\nall");
        a.expect(1);
        b.expect(1);
        c.expect(1);
        c.send("T0,2,9,01\npair");
        a.expect(1);
        c.expect(1);
        a.client.frame(true, Opcode.BINARY, "\nbin".getBytes(StandardCharsets.UTF_8));
        b.expect(1);
        c.expect(1);

        step("no metadata line, fragments");
        a.send("no newline");
        a.frame(false, Opcode.TEXT, "T1");
        a.frame(false, Opcode.CONTINUATION, ":Q\nfrag");
        a.frame(true, Opcode.CONTINUATION, " end");
        b.expect(1);
        a.sync(0);
        b.sync(1);
        c.sync(2);

        step("a sender vanishes mid-message");
        b.frame(false, Opcode.TEXT, "\npartial");
        a.expectStart("F1\npartial");
        c.expectStart("F1\npartial");
        b.client.abort();
        a.expect(3);
        c.expect(3);

        step("close, bye");
        c.client.closeFrame(1000);
        c.expect(1);
        c.close(); // the reference removes a member once its socket is closed
        a.expect(1);
        a.sync(0);

        step("two-person chamber: full, T*, no queue");
        Peer d = peer("D", "/p2/x");
        d.expect(1);
        Peer e = peer("E", "/p2/x");
        e.expect(1);
        d.expect(1);
        Peer f = peer("F", "/p2/x");
        f.expect(1);
        d.send("T*\nonly you");
        e.expect(1);
        d.frame(false, Opcode.TEXT, "\nhalf");
        e.expectStart("F0\nhalf");
        e.send("T**\nmine");
        e.expect(3);
        d.expect(1);
        d.frame(true, Opcode.CONTINUATION, " done"); // the rest of the cut message: dropped
        d.sync(0);
        e.sync(1);

        // Nothing may wait in a "/" chamber here (MAX_QUEUE_ITEMS > 0): the reference 1.0.0 then
        // throws in OutputQueue.queueDataBytes (item.data is undefined), closes the sender with
        // 1011, and crashes when a leave notice has to wait. See the README's differences.

        step("a metadata line that never ends");
        Peer g = peer("G", "/s5");
        g.expect(1);
        g.send("a".repeat(1100));
        g.expect(1);

        step("handshakes");
        new Peer("H", "/s6", Map.of()).close();
        new Peer("H", "/s6", headers(null)).close();
        new Peer("H", "/s6", headers("https://b.example")).close();
        new Peer("H", "/s6", headers("https://a.example")).close();
        new Peer("H", "/a:b", headers(ORIGIN)).close();
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.getOutputStream().write("GET /s6 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = new String(plain.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            transcript.add("plain GET: " + head);
        }

        for (Peer p : List.of(a, d, e, f, g)) {
            p.close();
        }
    }

    private static String describe(RawClient.Message m) {
        String body = m.opcode() == Opcode.BINARY ? "binary " : "text ";
        String text = m.text();
        if (text.length() > 64) {
            return body + text.length() + " bytes, sha256 " + sha256(m.data()).substring(0, 16) + ", starting "
                    + text.substring(0, 8).replace("\n", "\\n");
        }
        return body + text.replace("\n", "\\n");
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
