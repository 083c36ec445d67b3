package dev.shuttle.websocket.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.testing.BuiltinFixture;
import dev.shuttle.websocket.testing.RawClient;
import dev.shuttle.websocket.testing.RecordingHandler;
import dev.shuttle.websocket.testing.WireFrame;

/**
 * A reader that retires between messages drops its frame parser and UTF-8 validator (idle
 * memory); the next thread makes new ones. They must check as strictly as the old ones
 * (RFC 6455 §5.4, §8.1). Built-in listener: {@link Reader#retirements()} tells when it retired.
 */
class RetiredReaderChecksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final BuiltinFixture fixture = new BuiltinFixture();

    @AfterEach
    void stop() {
        fixture.stop();
    }

    /** Waits until some reader retired after {@code before}: the idle connection under test (it is the only one reading). */
    private static void awaitRetired(long before) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Reader.retirements() <= before) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the idle reader did not retire within " + WAIT);
            }
            Thread.sleep(10);
        }
    }

    @Test
    @Timeout(60)
    void frameAndUtf8ChecksHoldAfterARetirementBetweenMessages() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        URI uri = fixture.start(WebSocketServer.builder().handler(handler).build());
        try (RawClient client = RawClient.connect(uri)) {
            client.sendText("é");
            assertEquals("é", client.readMessage().text());
            awaitRetired(Reader.retirements());
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // one character, split over two frames
            client.sendFrame(false, WireFrame.TEXT, Arrays.copyOfRange(euro, 0, 1));
            client.sendFrame(true, WireFrame.CONTINUATION, Arrays.copyOfRange(euro, 1, 3));
            assertEquals("€", client.readMessage().text(), "a character split over frames after a resumption");
            awaitRetired(Reader.retirements());
            client.sendFrame(true, WireFrame.CONTINUATION, "x".getBytes());
            client.expectClose(CloseCode.PROTOCOL_ERROR); // no message in progress: a fresh parser knows it
        }
        try (RawClient client = RawClient.connect(uri)) {
            client.sendText("ok");
            assertEquals("ok", client.readMessage().text());
            awaitRetired(Reader.retirements());
            client.sendFrame(true, WireFrame.TEXT, new byte[] {(byte) 0xC0, (byte) 0x80});
            client.expectClose(CloseCode.INVALID_PAYLOAD);
        }
    }
}
