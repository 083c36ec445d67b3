package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.Opcode;

/** The protocol examples of the seed document, each with several real clients (the JDK's and raw sockets). */
class EchoChamberProtocolTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final AtomicLong clock = new AtomicLong();
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private EchoChamberServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = EchoChamberServer.builder()
                .address(new InetSocketAddress("127.0.0.1", 0))
                .nanoTime(clock::get)
                .log(log::add)
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @AfterAll
    static void closeHttp() {
        HTTP.close();
    }

    private JdkClient join(String target) {
        JdkClient c = new JdkClient(HTTP, server.port(), target);
        clients.add(c);
        return c;
    }

    private RawClient raw(String target) throws IOException {
        RawClient c = RawClient.connect(server.port(), target);
        clients.add(c);
        assertEquals(101, c.status);
        assertEquals("echo", c.headers.get("sec-websocket-protocol"));
        return c;
    }

    @Test
    void newRoomGivesTheFirstId() throws Exception {
        assertEquals("I0", join("/room").next());
    }

    @Test
    void existingRoomListsItsMembersAndTellsThemHi() throws Exception {
        JdkClient a = join("/room");
        JdkClient b = join("/room");
        assertEquals("I0", a.next());
        assertEquals("I1:H0", b.next());
        assertEquals("H1", a.next());
        JdkClient c = join("/room");
        assertEquals("I2:H0:H1", c.next());
        assertEquals("H2", a.next());
        assertEquals("H2", b.next());
    }

    @Test
    void aMessageReachesEveryoneElseWithItsSender() throws Exception {
        JdkClient a = join("/room");
        a.next();
        JdkClient b = join("/room");
        b.next();
        JdkClient c = join("/room");
        c.next();
        a.next();
        a.next();
        b.next();
        b.send("\nMessage here\n(may contain extra newlines)");
        assertEquals("F1\nMessage here\n(may contain extra newlines)", a.next());
        assertEquals("F1\nMessage here\n(may contain extra newlines)", c.next());
        b.send("T**\nsync");
        assertEquals(List.of(), b.until("F1\nsync"), "the sender does not hear itself");
    }

    @Test
    void binaryMessagesStayBinary() throws Exception {
        JdkClient a = join("/bin");
        a.next();
        JdkClient b = join("/bin");
        b.next();
        a.next();
        b.sendBinary("\nbytes".getBytes());
        assertEquals("binary:F1\nbytes", a.next());
    }

    @Test
    void targetsByIdIncludingSelf() throws Exception {
        JdkClient[] m = members("/ids", 4);
        m[0].send("T2,0\nfor two and me");
        List<List<String>> got = sync(m, 0);
        assertEquals(List.of(List.of("F0\nfor two and me"), List.of(), List.of("F0\nfor two and me"), List.of()), got);
        m[1].send("T9,07,x,\nnobody");
        assertEquals(List.of(List.of(), List.of(), List.of(), List.of()), sync(m, 1),
                "unknown IDs, and IDs not written as the server writes them, name nobody");
    }

    @Test
    void everyoneIncludingSelf() throws Exception {
        JdkClient[] m = members("/all", 3);
        m[1].send("T**\nall of us");
        for (JdkClient c : m) {
            assertEquals("F1\nall of us", c.next());
        }
    }

    @Test
    void anyOneOtherFavouringLongLivedMembers() throws Exception {
        JdkClient[] early = members("/any", 2);
        clock.addAndGet(Chamber.ESTABLISHED_NANOS);
        JdkClient late = join("/any");
        assertEquals("I2:H0:H1", late.next());
        early[0].next();
        early[1].next();
        Set<Integer> chosen = new HashSet<>();
        for (int round = 0; round < 20; round++) {
            late.send("T*\nround " + round);
            late.send("T**\nsync");
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<String> before = early[i].until("F2\nsync");
                if (before.equals(List.of("F2\nround " + round))) {
                    got.add(i);
                } else {
                    assertEquals(List.of(), before);
                }
            }
            assertEquals(1, got.size(), "exactly one other member");
            chosen.addAll(got);
            assertEquals(List.of(), late.until("F2\nsync"), "never the sender");
        }
        assertTrue(Set.of(0, 1).containsAll(chosen));
        // Among the long-lived ones it is random (the reference shuffles): 20 rounds hit both
        // unless something is biased (chance 2^-19).
        assertEquals(Set.of(0, 1), chosen);
        // The late one is chosen when it is the only other member.
        JdkClient[] fresh = members("/any2", 2);
        fresh[0].send("T*\nonly you");
        assertEquals("F0\nonly you", fresh[1].next());
    }

    @Test
    void aMessageWithoutMetadataLineGoesNowhere() throws Exception {
        JdkClient[] m = members("/none", 2);
        m[0].send("no newline at all");
        assertEquals(List.of(List.of(), List.of()), sync(m, 0));
        m[0].send("\n");
        assertEquals("F0\n", m[1].next(), "an empty body after an empty metadata line is still a message");
    }

    @Test
    void byeWhenAMemberLeaves() throws Exception {
        JdkClient[] m = members("/bye", 3);
        m[1].socket.sendClose(1000, "").join();
        assertEquals("B1", m[0].next());
        assertEquals("B1", m[2].next());
        assertEquals(1000, m[1].closeCode());
        JdkClient next = join("/bye");
        assertEquals("I3:H0:H2", next.next(), "IDs are not reused within a chamber's life");
    }

    @Test
    void idsAreCountedPerChamberAndRestartWithANewChamber() throws Exception {
        JdkClient a = join("/one");
        assertEquals("I0", a.next());
        JdkClient b = join("/one?x=1");
        assertEquals("I0", b.next(), "the query is part of the chamber's name");
        JdkClient c = join("/one");
        assertEquals("I1:H0", c.next());
        a.socket.sendClose(1000, "");
        c.socket.sendClose(1000, "");
        awaitLog("Removed chamber /one");
        JdkClient d = join("/one");
        String welcome = d.next();
        // Its last member gone, the chamber ends; a new one under the same URL starts at 0.
        assertEquals("I0", welcome);
    }

    @Test
    void senderVanishingMidMessageIsMarkedTruncated() throws Exception {
        JdkClient listener = join("/cut");
        assertEquals("I0", listener.next());
        RawClient sender = raw("/cut");
        assertEquals("I1:H0", sender.nextText());
        assertEquals("H1", listener.next());
        sender.frame(false, Opcode.TEXT, "\nPartial messa".getBytes());
        sender.abort();
        assertEquals("F1\nPartial messa", listener.next());
        assertEquals("X", listener.next());
        assertEquals("B1", listener.next());
    }

    @Test
    void fragmentsAreRelayedAsTheyArrive() throws Exception {
        RawClient listener = raw("/stream");
        listener.nextText();
        RawClient sender = raw("/stream");
        sender.nextText();
        listener.nextText();
        // The metadata line itself split over frames, then the body over more frames; each
        // goes out before the next is sent.
        sender.frame(false, Opcode.TEXT, "T".getBytes());
        sender.frame(false, Opcode.CONTINUATION, "0\nfirst ".getBytes());
        assertEquals("F1\nfirst ", new String(listener.nextFrame().payload()));
        // A member that joins now missed the start: it gets none of this message, but the next one.
        RawClient second = raw("/stream");
        assertEquals("I2:H0:H1", second.nextText());
        sender.frame(false, Opcode.CONTINUATION, "second ".getBytes());
        assertEquals("second ", new String(listener.nextFrame().payload()));
        sender.frame(true, Opcode.CONTINUATION, "third".getBytes());
        assertEquals("third", new String(listener.nextFrame().payload()));
        assertEquals("H2", listener.nextText(), "the notice waited for the message in flight");
        sender.text("T**\nafter");
        assertEquals("F1\nafter", second.nextText());
        assertEquals("F1\nafter", listener.nextText());
    }

    @Test
    void aTextMessageCutShortEndsOnACharacterBoundary() throws Exception {
        JdkClient listener = join("/utf8");
        listener.next();
        RawClient sender = raw("/utf8");
        sender.nextText();
        listener.next();
        byte[] euro = "\n€€".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 1 + 3 + 3 bytes
        sender.frame(false, Opcode.TEXT, java.util.Arrays.copyOf(euro, 5)); // ends inside the second €
        sender.abort();
        // The JDK client would fail the connection on a broken character; it gets the whole one.
        assertEquals("F1\n€", listener.next());
        assertEquals("X", listener.next());
        assertEquals("B1", listener.next());
    }

    /** Member {@code sender} sends a marker to all; returns what each received before it. */
    private static List<List<String>> sync(JdkClient[] members, int sender) throws InterruptedException {
        members[sender].send("T**\nsync");
        List<List<String>> got = new ArrayList<>();
        for (JdkClient m : members) {
            got.add(m.until("F" + sender + "\nsync"));
        }
        return got;
    }

    private void awaitLog(String line) throws InterruptedException {
        for (String l; (l = log.poll(JdkClient.WAIT_SECONDS, TimeUnit.SECONDS)) != null; ) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new AssertionError("no log line '" + line + "'");
    }

    /** {@code n} JDK members of one chamber, their welcomes and hellos read. */
    private JdkClient[] members(String target, int n) throws InterruptedException {
        JdkClient[] m = new JdkClient[n];
        for (int i = 0; i < n; i++) {
            m[i] = join(target);
            StringBuilder welcome = new StringBuilder("I" + i);
            for (int j = 0; j < i; j++) {
                welcome.append(":H").append(j);
            }
            assertEquals(welcome.toString(), m[i].next());
            for (int j = 0; j < i; j++) {
                assertEquals("H" + i, m[j].next());
            }
        }
        return m;
    }
}
