package dev.shuttle.websocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;

/**
 * The request head before the upgrade (issue 9, item 8), on a server transport set up with the
 * container settings the README gives (its fixture): a dripping or silent peer is cut off, an
 * oversized head is refused and dropped, and Shuttle's own {@code maxRequestHeadBytes} holds even
 * behind a container that accepts more. The bounds come from the server's options (head timeout =
 * {@code handshakeTimeout}); the tests wait for the server to act, each read bounded by a generous
 * socket timeout as the failure bound.
 */
public abstract class HeadGuardCases extends ContractSupport {
    /** The head timeout of these cases; the peers below would take minutes to finish a head. */
    private static final Duration HEAD_TIMEOUT = Duration.ofMillis(500);
    /** How long a dripping peer waits for the server between two bytes (its pace, and the event it watches for). */
    private static final int DRIP_WAIT_MILLIS = 50;
    private static final int DRIPPERS = 20;

    /** The transport's fixture with its container accepting heads up to {@code bytes}, whatever the server's limit. */
    protected abstract ServerFixture fixture(int containerHeadBytes);

    private URI startEcho(Options options) throws Exception {
        return start(RecordingHandler.echo(), options);
    }

    private static Options headTimeout() {
        return Options.defaults().toBuilder().handshakeTimeout(HEAD_TIMEOUT).build();
    }

    /**
     * Peers that send the upgrade request one byte at a time, each byte as soon as the previous
     * one found the connection still open: each is cut off long before its head is complete
     * (the head is ~4 KiB; at one byte per wait that is minutes).
     */
    @Test
    @Timeout(60)
    void drippingHeadsAreCutOff() throws Exception {
        URI uri = startEcho(headTimeout());
        byte[] request = upgradeRequest(uri, 4000);
        List<Future<Integer>> drippers = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < DRIPPERS; i++) {
                drippers.add(threads.submit(() -> drip(uri, request)));
            }
            for (Future<Integer> d : drippers) {
                int sent = d.get();
                assertTrue(sent < request.length, "cut off after " + sent + " of " + request.length + " bytes");
            }
        } finally {
            threads.shutdownNow(); // on a failure, the drippers stop with the test (interrupt closes their sockets)
        }
        assertEchoes(uri);
    }

    /** A peer that connects and sends nothing is closed too. */
    @Test
    @Timeout(30)
    void silentConnectionIsCutOff() throws Exception {
        URI uri = startEcho(headTimeout());
        try (Socket s = connect(uri)) {
            s.setSoTimeout(20_000); // the failure bound, far above the head timeout
            assertClosedByServer(s.getInputStream());
        }
        assertEchoes(uri);
    }

    /**
     * A head of 64 KiB or 1,000 KiB (Undertow's default accepts up to 1 MiB) is refused by the
     * container with an error status, or by closing, and the connection is dropped.
     */
    @ParameterizedTest
    @ValueSource(ints = {64, 1000})
    @Timeout(60)
    void oversizedHeadIsRefusedAndDropped(int kib) throws Exception {
        URI uri = startEcho(headTimeout());
        byte[] request = upgradeRequest(uri, kib * 1024);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (Socket s = connect(uri)) {
            s.setSoTimeout(20_000);
            // Written beside the read: the server may answer and close long before it is all sent.
            Future<?> writing = threads.submit(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException refused) {
                    // reset by the server part way: what a refusal may look like
                }
                return null;
            });
            String answer = readAnswer(s.getInputStream());
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 431") || answer.startsWith("HTTP/1.1 400")
                    || answer.startsWith("HTTP/1.1 413"), "refusal of a " + kib + " KiB head: " + firstLine(answer));
            writing.get();
        } finally {
            threads.shutdownNow();
        }
        assertEchoes(uri);
    }

    /**
     * Behind a container that takes 64 KiB heads, Shuttle itself refuses a head larger than the
     * server's {@code maxRequestHeadBytes} (8 KiB by default) with 431 and keeps none of it; a
     * head just under the limit is upgraded with all its headers.
     */
    @Test
    @Timeout(30)
    void headOverTheServersLimitIs431BehindALargerContainerLimit() throws Exception {
        ServerFixture wide = fixture(64 * 1024);
        RecordingHandler handler = RecordingHandler.echo();
        try {
            URI uri = wide.start(WebSocketServer.builder().handler(handler)
                    .options(Options.defaults().toBuilder().keepRequestHeaders(true).build()).build());
            RawClient.Builder big = RawClient.to(uri);
            for (int i = 0; i < 40; i++) {
                big.header("X-Pad-" + i, "p".repeat(400)); // ~16 KiB
            }
            RawClient.HttpHead refused = big.exchange();
            assertEquals(431, refused.status(), refused.statusLine());
            assertFalse(handler.opened.isDone(), "no connection after a 431");

            RawClient.Builder fits = RawClient.to(uri);
            for (int i = 0; i < 12; i++) {
                fits.header("X-Pad-" + i, "p".repeat(400)); // ~5 KiB
            }
            try (RawClient c = fits.connect()) {
                c.sendText("fits");
                assertEquals("fits", c.readMessage().text());
                WebSocket connection = handler.connection();
                assertEquals("p".repeat(400), connection.request().header("X-Pad-11"));
            }
        } finally {
            wide.stop();
        }
    }

    /**
     * The head bounds end at the upgrade: a WebSocket silent for longer than the head timeout
     * between the server's pings stays open (no container idle or parse timer applies to it).
     */
    @Test
    @Timeout(30)
    void upgradedConnectionOutlivesTheHeadBounds() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        Options options = headTimeout().toBuilder().pingInterval(Duration.ofMillis(1200))
                .pongTimeout(Duration.ofSeconds(10)).build();
        JdkClient client = jdk(start(server, options));
        WebSocket c = server.connection();
        for (int i = 0; i < 3; i++) {
            RecordingHandler.assertArrives(server.pongs, "pong " + i + " after a silence longer than the head timeout");
        }
        assertTrue(c.isOpen());
        assertFalse(client.closed.isDone(), "closed: " + client.closed.getNow(null));
        client.sendText("still here");
        assertEquals("still here", client.nextMessage().text());
    }

    /** Sends the request byte by byte; returns how many bytes went out before the server closed. */
    private static int drip(URI uri, byte[] request) throws IOException {
        try (Socket s = connect(uri)) {
            s.setSoTimeout(DRIP_WAIT_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int sent = 0; sent < request.length && !Thread.currentThread().isInterrupted(); sent++) {
                try {
                    out.write(request[sent]);
                    out.flush();
                } catch (IOException closed) {
                    return sent;
                }
                try {
                    int b = in.read();
                    if (b < 0) {
                        return sent + 1;
                    }
                    // The server answered (e.g. 408): it must close next.
                    s.setSoTimeout(20_000);
                    assertClosedByServer(in);
                    return sent + 1;
                } catch (SocketTimeoutException stillOpen) {
                    // the server waits: next byte
                } catch (IOException reset) {
                    return sent + 1;
                }
            }
            return request.length;
        }
    }

    /** Reads what the server sends until it closes (or resets) the connection. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (answer.length() < 1024) {
                    answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open: " + firstLine(answer.toString()));
        } catch (IOException reset) {
            // closed with a reset (unread bytes of ours were pending): dropped all the same
        }
        return answer.toString();
    }

    private static void assertClosedByServer(InputStream in) throws IOException {
        readAnswer(in);
    }

    private void assertEchoes(URI uri) throws Exception {
        try (RawClient c = RawClient.connect(uri)) {
            c.sendText("after");
            assertEquals("after", c.readMessage().text());
        }
    }

    private static Socket connect(URI uri) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        return s;
    }

    /** A valid upgrade request with one padding header, about {@code padding} bytes longer. */
    private static byte[] upgradeRequest(URI uri, int padding) {
        String head = "GET / HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nX-Pad: " + "p".repeat(padding) + "\r\n\r\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String firstLine(String s) {
        int eol = s.indexOf('\r');
        return eol < 0 ? s : s.substring(0, eol);
    }
}
