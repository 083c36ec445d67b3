package dev.shuttle.examples.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.shuttle.websocket.testing.JdkClient;
import dev.shuttle.websocket.testing.UnixRawClient;

/**
 * The broadcaster end to end, in-process: JDK clients over TCP, hand-written ones over a UNIX
 * socket, and wsbroad's log lines.
 */
@Timeout(60)
class BroadcasterTest {
    @TempDir
    Path dir;

    private final CapturedOutput log = new CapturedOutput();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Broadcaster broadcaster;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        if (broadcaster != null) {
            broadcaster.close();
        }
    }

    private void start(String... args) throws Exception {
        broadcaster = Broadcaster.start(BroadcasterCommand.parse(args), log.stream);
    }

    private JdkClient client(String pathAndQuery) throws Exception {
        JdkClient c = JdkClient.connect(URI.create("ws://127.0.0.1:" + broadcaster.port() + pathAndQuery));
        open.add(c);
        return c;
    }

    @Test
    void messagesReachTheOtherClientsOfTheSameUrlOnly() throws Exception {
        start("127.0.0.1:0");
        JdkClient a = client("/baz");
        JdkClient b = client("/baz");
        JdkClient c = client("/baz");
        JdkClient elsewhere = client("/baz?other");

        a.sendText("hello from a");
        assertEquals("hello from a", b.nextText());
        assertEquals("hello from a", c.nextText());
        // a's own message would have been queued to a before b could answer: b's comes first, so a got none.
        b.sendText("hello from b");
        assertEquals("hello from b", a.nextText());
        assertEquals("hello from b", c.nextText());
        // The query is part of the URL: another room, which heard nothing of the above.
        JdkClient neighbour = client("/baz?other");
        neighbour.sendText("other room");
        assertEquals("other room", elsewhere.nextText());
    }

    @Test
    void reflexiveSendsTheSenderItsOwnMessages() throws Exception {
        start("127.0.0.1:0", "--reflexive");
        JdkClient a = client("/r");
        JdkClient b = client("/r");
        a.sendText("echoed too");
        assertEquals("echoed too", a.nextText());
        assertEquals("echoed too", b.nextText());
    }

    @Test
    void logsLikeWsbroad() throws Exception {
        start("127.0.0.1:0");
        JdkClient first = client("/baz");
        List<String> lines = log.awaitLine("New URL: /baz");
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\+ 127\\.0\\.0\\.1:\\d+ -> /baz"), lines.get(0));
        assertEquals("New URL: /baz", lines.get(1));

        JdkClient second = client("/baz");
        log.await(l -> l.size() == 3, "the second join");
        assertTrue(log.lines().get(2).matches("\\+ 127\\.0\\.0\\.1:\\d+ -> /baz"), log.lines().toString());

        second.closeNormally();
        log.await(l -> l.size() == 4, "the first leave");
        assertTrue(log.lines().get(3).matches("- 127\\.0\\.0\\.1:\\d+ -> /baz"), log.lines().toString());

        first.closeNormally();
        lines = log.awaitLine("Expiring URL: /baz");
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(4).matches("- 127\\.0\\.0\\.1:\\d+ -> /baz"), lines.toString());
        assertEquals("Expiring URL: /baz", lines.get(5));
        // The peer of a "-" line is the one of its "+" line.
        assertEquals(lines.get(0).substring(1), lines.get(4).substring(1));
    }

    @Test
    void maxUrlsRefusesOneMoreWith503() throws Exception {
        start("127.0.0.1:0", "--max-urls", "1");
        JdkClient only = client("/one");
        log.awaitLine("New URL: /one");
        assertEquals(503, JdkClient.refusalStatus(URI.create("ws://127.0.0.1:" + broadcaster.port() + "/two")));
        log.awaitLine("Rejected: --max-urls reached");
        // Another client of a served URL is welcome.
        client("/one").sendText("still served");
        assertEquals("still served", only.nextText());

        only.closeNormally();
        open.forEach(c -> ((JdkClient) c).close());
        log.awaitLine("Expiring URL: /one");
        JdkClient now = client("/two");
        log.awaitLine("New URL: /two");
        now.closeNormally();
    }

    @Test
    void overAUnixSocket() throws Exception {
        Path socket = dir.resolve("broadcaster.sock");
        start(socket.toString(), "--unix-listen-chmod", "owner");
        assertEquals(-1, broadcaster.port());
        try (UnixRawClient a = UnixRawClient.connect(socket, "/room");
             UnixRawClient b = UnixRawClient.connect(socket, "/room")) {
            log.await(l -> l.size() == 3, "two joins");
            a.sendText("over unix");
            assertEquals("over unix", b.readText());
            b.sendText("and back");
            assertEquals("and back", a.readText());
            assertEquals(List.of("+ unix -> /room", "New URL: /room", "+ unix -> /room"), log.lines());
            assertEquals(1000, a.closeHandshake().closeCode());
            assertEquals(1000, b.closeHandshake().closeCode());
        }
        assertEquals("- unix -> /room", log.awaitLine("Expiring URL: /room").get(4));
    }

    @Test
    void aStaleSocketFileIsRemovedWithUnlink() throws Exception {
        Path socket = dir.resolve("stale.sock");
        start(socket.toString());
        broadcaster.close();
        broadcaster = null;
        start(socket.toString(), "--unix-listen-unlink");
        try (UnixRawClient a = UnixRawClient.connect(socket, "/")) {
            assertEquals(101, a.status());
        }
    }

    @Test
    void oversizedMessagesCloseWith1009() throws Exception {
        start("127.0.0.1:0", "--max-message-size", "10");
        JdkClient a = client("/big");
        a.sendText("more than ten bytes");
        assertEquals(1009, a.closeCode());
    }
}
