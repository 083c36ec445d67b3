package dev.shuttle.websocket.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.standalone.Listener;

/** Tokens from a file: the format, names, and a re-read on change, replacement and deletion. */
@Timeout(30)
class TokenFileAuthTest {
    @TempDir
    Path dir;

    private final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    private Listener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private URI start(BearerAuth auth) throws Exception {
        listener = WebSocketServer.builder().upgradeHook(auth).onOpen(opened::add).build()
                .listen(new InetSocketAddress("127.0.0.1", 0));
        return URI.create("ws://127.0.0.1:" + listener.port() + "/");
    }

    private static int status(URI uri, String token) throws Exception {
        return Http.status(Http.exchange(uri, "/", "Authorization: Bearer " + token));
    }

    private String nameOfOpened() throws InterruptedException {
        return BearerAuth.principal(opened.poll(10, TimeUnit.SECONDS)).name();
    }

    @Test
    void theFileIsParsedAndReReadWhenItChanges() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# operators\n\nalice   tok-a\n  tok-b  \nnot a valid line\ntok-c\n");
        URI uri = start(BearerAuth.builder().tokenFile(file, Duration.ZERO).build());

        assertEquals(101, status(uri, "tok-a"));
        assertEquals("alice", nameOfOpened());
        assertEquals(101, status(uri, "tok-b"));
        assertEquals("token-1", nameOfOpened());
        assertEquals(101, status(uri, "tok-c"));
        assertEquals("token-2", nameOfOpened());
        assertEquals(401, status(uri, "not"));
        assertEquals(401, status(uri, "operators"));

        // Revoke tok-a, add tok-d; the mtime moves on explicitly (coarse file system clocks).
        Files.writeString(file, "tok-b\nbob tok-d\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(401, status(uri, "tok-a"));
        assertEquals(101, status(uri, "tok-d"));
        assertEquals("bob", nameOfOpened());

        // Replaced by rename, as deployment tools do.
        Path next = dir.resolve("tokens.new");
        Files.writeString(next, "tok-e\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(401, status(uri, "tok-d"));
        assertEquals(101, status(uri, "tok-e"));

        // Deleted: no token of it is accepted any more.
        Files.delete(file);
        assertEquals(401, status(uri, "tok-e"));
        // And back.
        Files.writeString(file, "tok-f\n");
        assertEquals(101, status(uri, "tok-f"));
    }

    @Test
    void changesAreSeenOnlyAfterTheCheckInterval() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "tok-a\n");
        URI uri = start(BearerAuth.builder().tokenFile(file, Duration.ofHours(1)).build());
        Files.writeString(file, "tok-b\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(101, status(uri, "tok-a"), "within the interval the file is not looked at");
        assertEquals(401, status(uri, "tok-b"));
    }

    @Test
    void aMissingFileAtBuildIsAnError() {
        assertThrows(UncheckedIOException.class, () -> BearerAuth.builder().tokenFile(dir.resolve("absent")).build());
    }

    @Test
    void theTokenSetMatchesWholeTokensOnly() {
        TokenSet set = TokenFile.parse("a tok\nother\n");
        assertEquals("a", set.match("tok"));
        assertEquals("token-1", set.match("other"));
        assertNull(set.match("to"));
        assertNull(set.match("tokk"));
        assertNull(set.match(""));
        assertNull(TokenSet.EMPTY.match("tok"));
    }
}
