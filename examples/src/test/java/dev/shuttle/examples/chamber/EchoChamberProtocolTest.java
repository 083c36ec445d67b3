package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.testing.JdkClient;

/** The protocol examples of the seed document, each with several real clients (the JDK's and raw sockets). */
class EchoChamberProtocolTest {
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

    private JdkClient join(String target) throws Exception {
        JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + server.port() + target), EchoChamberServer.PROTOCOL);
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
        assertEquals("I0", join("/room").nextText());
    }

    @Test
    void existingRoomListsItsMembersAndTellsThemHi() throws Exception {
        JdkClient a = join("/room");
        JdkClient b = join("/room");
        assertEquals("I0", a.nextText());
        assertEquals("I1:H0", b.nextText());
        assertEquals("H1", a.nextText());
        JdkClient c = join("/room");
        assertEquals("I2:H0:H1", c.nextText());
        assertEquals("H2", a.nextText());
        assertEquals("H2", b.nextText());
    }

    @Test
    void aMessageReachesEveryoneElseWithItsSender() throws Exception {
        JdkClient a = join("/room");
        a.nextText();
        JdkClient b = join("/room");
        b.nextText();
        JdkClient c = join("/room");
        c.nextText();
        a.nextText();
        a.nextText();
        b.nextText();
        b.sendText("\nMessage here\n(may contain extra newlines)");
        assertEquals("F1\nMessage here\n(may contain extra newlines)", a.nextText());
        assertEquals("F1\nMessage here\n(may contain extra newlines)", c.nextText());
        b.sendText("T**\nsync");
        assertEquals(List.of(), b.until("F1\nsync"), "the sender does not hear itself");
    }

    @Test
    void binaryMessagesStayBinary() throws Exception {
        JdkClient a = join("/bin");
        a.nextText();
        JdkClient b = join("/bin");
        b.nextText();
        a.nextText();
        b.sendBinary("\nbytes".getBytes());
        JdkClient.Message relayed = a.nextMessage();
        assertTrue(relayed.binary(), "a binary message");
        assertEquals("F1\nbytes", relayed.text());
    }

    @Test
    void targetsByIdIncludingSelf() throws Exception {
        JdkClient[] m = members("/ids", 4);
        m[0].sendText("T2,0\nfor two and me");
        List<List<String>> got = sync(m, 0);
        assertEquals(List.of(List.of("F0\nfor two and me"), List.of(), List.of("F0\nfor two and me"), List.of()), got);
        m[1].sendText("T9,07,x,\nnobody");
        assertEquals(List.of(List.of(), List.of(), List.of(), List.of()), sync(m, 1),
                "unknown IDs, and IDs not written as the server writes them, name nobody");
    }

    @Test
    void everyoneIncludingSelf() throws Exception {
        JdkClient[] m = members("/all", 3);
        m[1].sendText("T**\nall of us");
        for (JdkClient c : m) {
            assertEquals("F1\nall of us", c.nextText());
        }
    }

    @Test
    void anyOneOtherFavouringLongLivedMembers() throws Exception {
        JdkClient[] early = members("/any", 2);
        clock.addAndGet(Chamber.ESTABLISHED_NANOS);
        JdkClient late = join("/any");
        assertEquals("I2:H0:H1", late.nextText());
        early[0].nextText();
        early[1].nextText();
        Set<Integer> chosen = new HashSet<>();
        for (int round = 0; round < 20; round++) {
            late.sendText("T*\nround " + round);
            late.sendText("T**\nsync");
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
        fresh[0].sendText("T*\nonly you");
        assertEquals("F0\nonly you", fresh[1].nextText());
    }

    @Test
    void aMessageWithoutMetadataLineGoesNowhere() throws Exception {
        JdkClient[] m = members("/none", 2);
        m[0].sendText("no newline at all");
        assertEquals(List.of(List.of(), List.of()), sync(m, 0));
        m[0].sendText("\n");
        assertEquals("F0\n", m[1].nextText(), "an empty body after an empty metadata line is still a message");
    }

    @Test
    void byeWhenAMemberLeaves() throws Exception {
        JdkClient[] m = members("/bye", 3);
        m[1].sendClose(1000, "");
        assertEquals("B1", m[0].nextText());
        assertEquals("B1", m[2].nextText());
        assertEquals(1000, m[1].closeCode());
        JdkClient next = join("/bye");
        assertEquals("I3:H0:H2", next.nextText(), "IDs are not reused within a chamber's life");
    }

    @Test
    void idsAreCountedPerChamberAndRestartWithANewChamber() throws Exception {
        JdkClient a = join("/one");
        assertEquals("I0", a.nextText());
        JdkClient b = join("/one?x=1");
        assertEquals("I0", b.nextText(), "the query is part of the chamber's name");
        JdkClient c = join("/one");
        assertEquals("I1:H0", c.nextText());
        a.sendClose(1000, "");
        c.sendClose(1000, "");
        awaitLog("Removed chamber /one");
        JdkClient d = join("/one");
        String welcome = d.nextText();
        // Its last member gone, the chamber ends; a new one under the same URL starts at 0.
        assertEquals("I0", welcome);
    }

    @Test
    void senderVanishingMidMessageIsMarkedTruncated() throws Exception {
        JdkClient listener = join("/cut");
        assertEquals("I0", listener.nextText());
        RawClient sender = raw("/cut");
        assertEquals("I1:H0", sender.nextText());
        assertEquals("H1", listener.nextText());
        sender.frame(false, Opcode.TEXT, "\nPartial messa".getBytes());
        sender.abort();
        assertEquals("F1\nPartial messa", listener.nextText());
        assertEquals("X", listener.nextText());
        assertEquals("B1", listener.nextText());
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
        listener.nextText();
        RawClient sender = raw("/utf8");
        sender.nextText();
        listener.nextText();
        byte[] euro = "\n€€".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 1 + 3 + 3 bytes
        sender.frame(false, Opcode.TEXT, java.util.Arrays.copyOf(euro, 5)); // ends inside the second €
        sender.abort();
        // The JDK client would fail the connection on a broken character; it gets the whole one.
        assertEquals("F1\n€", listener.nextText());
        assertEquals("X", listener.nextText());
        assertEquals("B1", listener.nextText());
    }

    /** Member {@code sender} sends a marker to all; returns what each received before it. */
    private static List<List<String>> sync(JdkClient[] members, int sender) throws Exception {
        members[sender].sendText("T**\nsync");
        List<List<String>> got = new ArrayList<>();
        for (JdkClient m : members) {
            got.add(m.until("F" + sender + "\nsync"));
        }
        return got;
    }

    private void awaitLog(String line) throws InterruptedException {
        for (String l; (l = log.poll(JdkClient.WAIT.toSeconds(), TimeUnit.SECONDS)) != null; ) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new AssertionError("no log line '" + line + "'");
    }

    /** {@code n} JDK members of one chamber, their welcomes and hellos read. */
    private JdkClient[] members(String target, int n) throws Exception {
        JdkClient[] m = new JdkClient[n];
        for (int i = 0; i < n; i++) {
            m[i] = join(target);
            StringBuilder welcome = new StringBuilder("I" + i);
            for (int j = 0; j < i; j++) {
                welcome.append(":H").append(j);
            }
            assertEquals(welcome.toString(), m[i].nextText());
            for (int j = 0; j < i; j++) {
                assertEquals("H" + i, m[j].nextText());
            }
        }
        return m;
    }
}
