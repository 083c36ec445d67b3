package dev.shuttle.websocket.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.spi.Upgrade;
import dev.shuttle.websocket.testing.PipeTransport;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.TestRequest;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * The connection engine over an in-memory pipe, started the way every adapter starts it:
 * {@code WebSocketServer.upgrade(request)} and {@code Upgrade.start(transport)}. The test plays
 * the client on the other end of the pipe with the independent {@link WireFrame} codec.
 */
class PipeSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private PipeTransport serverEnd;
    private PipeTransport clientEnd;
    private InputStream in;
    private OutputStream out;

    private WebSocket open(RecordingHandler handler, Options options, int pipeCapacity) throws Exception {
        WebSocketServer server = WebSocketServer.builder().handler(handler).options(options).build();
        Upgrade upgrade = server.upgrade(TestRequest.valid("/pipe"));
        assertTrue(upgrade.accepted(), "a valid request is accepted: " + upgrade.status() + " " + upgrade.body());
        assertEquals(101, upgrade.status());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", upgrade.headers().get("Sec-WebSocket-Accept"), "RFC 6455 §1.3 sample");
        PipeTransport[] pipe = PipeTransport.pair(pipeCapacity);
        serverEnd = pipe[0];
        clientEnd = pipe[1];
        in = clientEnd.inputStream(WAIT);
        out = clientEnd.outputStream();
        WebSocket c = upgrade.start(serverEnd);
        assertEquals(c, handler.connection());
        return c;
    }

    private WebSocket open(RecordingHandler handler) throws Exception {
        return open(handler, Options.defaults(), 1 << 20);
    }

    @AfterEach
    void closePipe() {
        if (clientEnd != null) {
            clientEnd.close();
        }
    }

    private WireFrame readFrame() throws IOException {
        return WireFrame.read(in);
    }

    /** The engine ends its output (close or half-close); like a TCP client, the test then closes its end. */
    private void assertEof() throws IOException {
        assertThrows(EOFException.class, this::readFrame, "the engine closes the transport");
        clientEnd.close();
    }

    @Test
    @Timeout(20)
    void echoesTextAndBinary() throws Exception {
        open(RecordingHandler.echo());
        out.write(WireFrame.maskedText("hello"));
        out.write(WireFrame.masked(WireFrame.BINARY, new byte[] {1, 2, 3}));

        WireFrame text = readFrame();
        assertEquals(WireFrame.TEXT, text.opcode());
        assertFalse(text.masked(), "server frames are not masked");
        assertEquals("hello", text.text());
        WireFrame bin = readFrame();
        assertEquals(WireFrame.BINARY, bin.opcode());
        assertArrayEquals(new byte[] {1, 2, 3}, bin.payload());
    }

    @Test
    @Timeout(20)
    void serverCloseCompletesWhenTheClientAnswers() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocket c = open(handler);
        c.close(CloseCode.NORMAL, "bye");
        c.close(CloseCode.GOING_AWAY, "again"); // idempotent

        WireFrame close = readFrame();
        assertEquals(WireFrame.CLOSE, close.opcode());
        assertEquals(1000, close.closeCode());
        assertEquals("bye", close.closeReason());
        assertFalse(c.isOpen());
        assertEquals(SendResult.CLOSED, c.write("late"));
        out.write(WireFrame.masked(WireFrame.CLOSE, WireFrame.closePayload(1000, "")));

        RecordingHandler.Close onClose = handler.awaitSingleClose();
        assertEquals(1000, onClose.code());
        assertEquals("bye", onClose.reason());
        assertNull(onClose.cause());
        assertEof();
    }

    @Test
    @Timeout(20)
    void clientCloseIsEchoed() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        open(handler);
        out.write(WireFrame.masked(WireFrame.CLOSE, WireFrame.closePayload(4001, "client done")));

        WireFrame echo = readFrame();
        assertEquals(WireFrame.CLOSE, echo.opcode());
        assertEquals(4001, echo.closeCode());
        RecordingHandler.Close onClose = handler.awaitSingleClose();
        assertEquals(4001, onClose.code());
        assertEquals("client done", onClose.reason());
        assertEof();
        assertEquals(1, handler.closeCount.get());
    }

    /** The peer never answers the close: after closeTimeout the engine gives up, onClose runs once. */
    @Test
    @Timeout(20)
    void closeTimeoutWhenThePeerNeverAnswers() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocket c = open(handler, Options.defaults().toBuilder().closeTimeout(Duration.ofMillis(200)).build(), 1 << 20);
        c.close(CloseCode.NORMAL, "bye");

        assertEquals(1000, readFrame().closeCode());
        RecordingHandler.Close onClose = handler.awaitSingleClose();
        assertTrue(onClose.code() == 1000 || onClose.code() == CloseCode.ABNORMAL, "code as sent or 1006: " + onClose.code());
        assertEof();
    }

    /** The transport drops: 1006, once. */
    @Test
    @Timeout(20)
    void transportEndIs1006() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        open(handler);
        clientEnd.close();
        assertEquals(CloseCode.ABNORMAL, handler.awaitSingleClose().code());
    }

    /**
     * Pings overtake queued data, also between the fragments of a message (RFC 6455 §5.4), but
     * never land inside a frame, and the data keeps its order.
     */
    @Test
    @Timeout(20)
    void controlFramesOvertakeDataBetweenFrames() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        // A small pipe that the test does not read yet: the writer backs up and frames queue.
        WebSocket c = open(handler, Options.defaults(), 4096);
        byte[] big = new byte[3000];
        for (int i = 0; i < 5; i++) {
            assertEquals(SendResult.QUEUED, c.write(big));
        }
        assertEquals(SendResult.QUEUED, c.writeFrame(new Frame(false, 0, Opcode.TEXT, "frag-1 ".getBytes(StandardCharsets.UTF_8))));
        assertEquals(SendResult.QUEUED, c.ping("p1".getBytes(StandardCharsets.UTF_8)));
        assertEquals(SendResult.QUEUED, c.writeFrame(new Frame(false, 0, Opcode.CONTINUATION, "frag-2 ".getBytes(StandardCharsets.UTF_8))));
        assertEquals(SendResult.QUEUED, c.ping("p2".getBytes(StandardCharsets.UTF_8)));
        assertEquals(SendResult.QUEUED, c.writeFrame(new Frame(true, 0, Opcode.CONTINUATION, "frag-3".getBytes(StandardCharsets.UTF_8))));
        assertEquals(SendResult.QUEUED, c.write("after"));

        List<WireFrame> frames = new ArrayList<>();
        while (frames.isEmpty() || !"after".equals(frames.get(frames.size() - 1).text())) {
            frames.add(readFrame());
        }
        boolean inMessage = false;
        int pings = 0;
        StringBuilder fragmented = new StringBuilder();
        int bigs = 0;
        for (WireFrame f : frames) {
            if (f.opcode() == WireFrame.PING) {
                pings++;
                continue;
            }
            if (f.opcode() == WireFrame.BINARY) {
                assertFalse(inMessage, "a message inside a fragmented message: " + frames);
                assertEquals(3000, f.payload().length);
                bigs++;
            } else if (f.opcode() == WireFrame.TEXT && !f.fin()) {
                inMessage = true;
                fragmented.append(f.text());
            } else if (f.opcode() == WireFrame.CONTINUATION) {
                assertTrue(inMessage, "continuation outside a message: " + frames);
                fragmented.append(f.text());
                inMessage = !f.fin();
            }
        }
        assertEquals(5, bigs);
        assertEquals(2, pings);
        assertEquals("frag-1 frag-2 frag-3", fragmented.toString());
        assertEquals(5 + 3 + 2 + 1, frames.size(), "exactly the frames written: " + frames);
    }

    /** Our fragmented message stays open (its last fragment not yet written): a peer's ping still gets its pong. */
    @Test
    @Timeout(20)
    void pongAnswersPingWhileOurFragmentedMessageIsOpen() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocket c = open(handler);
        assertEquals(SendResult.QUEUED, c.writeFrame(new Frame(false, 0, Opcode.TEXT, "part ".getBytes(StandardCharsets.UTF_8))));
        WireFrame first = readFrame();
        assertEquals(WireFrame.TEXT, first.opcode());
        assertFalse(first.fin());
        out.write(WireFrame.masked(WireFrame.PING, "still there?".getBytes(StandardCharsets.UTF_8)));
        WireFrame pong = readFrame();
        assertEquals(WireFrame.PONG, pong.opcode());
        assertEquals("still there?", pong.text());
        assertEquals(SendResult.QUEUED, c.writeFrame(new Frame(true, 0, Opcode.CONTINUATION, "end".getBytes(StandardCharsets.UTF_8))));
        WireFrame last = readFrame();
        assertEquals(WireFrame.CONTINUATION, last.opcode());
        assertTrue(last.fin());
    }

    /** A backlog of many small messages (more than one gathering write's worth) arrives complete and in order. */
    @Test
    @Timeout(20)
    void backlogOfManySmallMessagesArrivesInOrder() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocket c = open(handler, Options.defaults(), 256);
        int n = 2000;
        for (int i = 0; i < n; i++) {
            assertEquals(SendResult.QUEUED, c.write("m" + i), "write " + i + "; onClose: " + handler.closes.peek());
        }
        for (int i = 0; i < n; i++) {
            WireFrame f;
            try {
                f = readFrame();
            } catch (IOException e) {
                throw new AssertionError("transport ended after " + i + " of " + n + " messages; onClose: "
                        + handler.closes.poll(5, java.util.concurrent.TimeUnit.SECONDS), e);
            }
            assertEquals("m" + i, f.text());
        }
        assertTrue(c.isOpen());
    }

    @Test
    @Timeout(20)
    void pingIsAnsweredWithTheSamePayload() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        open(handler);
        out.write(WireFrame.masked(WireFrame.PING, "abc".getBytes(StandardCharsets.UTF_8)));
        WireFrame pong = readFrame();
        assertEquals(WireFrame.PONG, pong.opcode());
        assertEquals("abc", pong.text());
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), RecordingHandler.assertArrives(handler.pings, "onPing"));
    }

    @Test
    @Timeout(20)
    void protocolErrorSendsCloseThenDrops() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        open(handler);
        out.write(WireFrame.encode(true, 0, WireFrame.TEXT, "x".getBytes(StandardCharsets.UTF_8), false)); // unmasked
        WireFrame close = readFrame();
        assertEquals(CloseCode.PROTOCOL_ERROR, close.closeCode());
        assertEof();
        assertEquals(CloseCode.PROTOCOL_ERROR, handler.awaitSingleClose().code());
        assertFalse(handler.errors.isEmpty(), "onError reports the protocol failure");
    }
}
