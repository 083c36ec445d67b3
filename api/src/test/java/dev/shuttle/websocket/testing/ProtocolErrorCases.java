package dev.shuttle.websocket.testing;

import static dev.shuttle.websocket.testing.WireFrame.BINARY;
import static dev.shuttle.websocket.testing.WireFrame.CLOSE;
import static dev.shuttle.websocket.testing.WireFrame.CONTINUATION;
import static dev.shuttle.websocket.testing.WireFrame.PING;
import static dev.shuttle.websocket.testing.WireFrame.PONG;
import static dev.shuttle.websocket.testing.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Options;

/**
 * Malformed input on a raw socket: the server must answer with a close frame carrying the code
 * (RFC 6455 §7.1.7, §7.4.1), then drop TCP. Names mirror the Autobahn sections where they exist.
 */
public abstract class ProtocolErrorCases extends EchoCases {
    /** 0xFF never appears in UTF-8 (RFC 3629). */
    private static final byte[] BAD_UTF8 = {'h', 'i', (byte) 0xFF, '!'};

    private RawClient rawEcho() throws Exception {
        return raw(start(RecordingHandler.echo()));
    }

    @Test
    @Timeout(20)
    void unmaskedClientFrameIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(true, 0, TEXT, "hi".getBytes(StandardCharsets.UTF_8), false));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** wsbroad's --accept-unmasked-frames: an opt-out of §5.1 for trusted peers. */
    @Test
    @Timeout(20)
    void unmaskedFramesAreAcceptedWhenConfigured() throws Exception {
        RawClient c = raw(start(RecordingHandler.echo(), Options.defaults().toBuilder().acceptUnmaskedFrames(true).build()));
        c.send(WireFrame.encode(true, 0, TEXT, "plain".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("plain", c.readMessage().text());
    }

    /** The message limit counts all fragments together. */
    @Test
    @Timeout(20)
    void fragmentedMessageOverMaxMessageSizeIs1009() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        RawClient c = raw(start(server, Options.defaults().toBuilder().maxMessageSize(1000).build()));
        c.send(WireFrame.concat(
                WireFrame.encode(false, 0, BINARY, new byte[400], true),
                WireFrame.encode(false, 0, CONTINUATION, new byte[400], true),
                WireFrame.encode(true, 0, CONTINUATION, new byte[400], true)));
        c.expectClose(CloseCode.MESSAGE_TOO_BIG);
        assertTrue(server.messages.isEmpty(), "nothing delivered");
    }

    /** Autobahn 4.1.x / 4.2.x. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 11})
    @Timeout(20)
    void reservedOpcodeIs1002(int opcode) throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(true, 0, opcode, new byte[] {1, 2}, true));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 3.x: RSV bits without a negotiated extension. */
    @ParameterizedTest(name = "rsv {0}")
    @ValueSource(ints = {4, 2, 1})
    @Timeout(20)
    void reservedBitsAre1002(int rsv) throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(true, rsv, TEXT, "x".getBytes(StandardCharsets.UTF_8), true));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 6.x. */
    @Test
    @Timeout(20)
    void invalidUtf8TextIs1007() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.masked(TEXT, BAD_UTF8));
        c.expectClose(CloseCode.INVALID_PAYLOAD);
    }

    /** Autobahn 6.4.x: validation is incremental; the close comes before the message is complete. */
    @Test
    @Timeout(20)
    void invalidUtf8InFirstFragmentFailsFast() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(false, 0, TEXT, BAD_UTF8, true));
        WireFrame close = c.readUntilClose();
        assertEquals(CloseCode.INVALID_PAYLOAD, close.closeCode(), "close before the final fragment: " + close);
        try {
            c.send(WireFrame.encode(true, 0, CONTINUATION, "end".getBytes(StandardCharsets.UTF_8), true));
        } catch (java.io.IOException ignored) {
            // the server may already have dropped TCP
        }
        c.expectEof();
    }

    /** §10.4 / lesson 2: the header alone is refused; the payload is never sent. */
    @Test
    @Timeout(20)
    void frameOverMaxPayloadIsRefusedAtItsHeader() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.header(true, 0, BINARY, Options.DEFAULT_MAX_PAYLOAD + 1L, true, 0x12345678));
        c.expectClose(CloseCode.MESSAGE_TOO_BIG);
    }

    @Test
    @Timeout(20)
    void hugeLengthHeaderIsRefusedAtItsHeader() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.header(true, 0, BINARY, 1L << 40, true, 0x12345678));
        WireFrame close = c.readUntilClose();
        assertTrue(close.closeCode() == CloseCode.MESSAGE_TOO_BIG || close.closeCode() == CloseCode.PROTOCOL_ERROR,
                "1009 (or 1002) for a 2^40-byte frame, got " + close);
        c.expectEof();
    }

    /** Autobahn 5.1: control frames must not be fragmented (§5.5). */
    @Test
    @Timeout(20)
    void fragmentedPingIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(false, 0, PING, "a".getBytes(StandardCharsets.UTF_8), true));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 2.5: a control payload is at most 125 bytes (§5.5). */
    @Test
    @Timeout(20)
    void pingWith126BytesIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.masked(PING, new byte[126]));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 5.9. */
    @Test
    @Timeout(20)
    void continuationWithoutStartIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.encode(true, 0, CONTINUATION, "x".getBytes(StandardCharsets.UTF_8), true));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 5.18: a new data frame while a fragmented message is open. */
    @Test
    @Timeout(20)
    void newTextInsideFragmentedMessageIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.concat(
                WireFrame.encode(false, 0, TEXT, "a".getBytes(StandardCharsets.UTF_8), true),
                WireFrame.encode(true, 0, TEXT, "b".getBytes(StandardCharsets.UTF_8), true)));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 7.3.2. */
    @Test
    @Timeout(20)
    void closeWithOneBytePayloadIs1002() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.masked(CLOSE, new byte[] {0x03}));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 7.9.x. */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
    @Timeout(20)
    void invalidCloseCodeIs1002(int code) throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.masked(CLOSE, WireFrame.closePayload(code, "")));
        c.expectClose(CloseCode.PROTOCOL_ERROR);
    }

    /** Autobahn 7.7.x: a valid code is echoed. */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 3000, 4999})
    @Timeout(20)
    void validCloseCodeIsEchoed(int code) throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        RawClient c = raw(start(server));
        c.sendClose(code, "ok");
        c.expectClose(code);
        assertEquals(code, server.awaitSingleClose().code());
    }

    /** Autobahn 7.5.1. */
    @Test
    @Timeout(20)
    void closeReasonWithInvalidUtf8Is1007() throws Exception {
        RawClient c = rawEcho();
        c.send(WireFrame.masked(CLOSE, WireFrame.closePayload(1000, BAD_UTF8)));
        c.expectClose(CloseCode.INVALID_PAYLOAD);
    }

    /** Autobahn 5.6-5.8: a ping between fragments is answered at once; the message still arrives whole. */
    @Test
    @Timeout(20)
    void pingBetweenFragmentsIsAnsweredBeforeTheMessageCompletes() throws Exception {
        RecordingHandler server = RecordingHandler.echo();
        RawClient c = raw(start(server));
        byte[] pingPayload = "are you there".getBytes(StandardCharsets.UTF_8);

        c.send(WireFrame.encode(false, 0, TEXT, "Hello, ".getBytes(StandardCharsets.UTF_8), true));
        c.sendPing(pingPayload);
        WireFrame pong = c.readFrame();
        assertEquals(PONG, pong.opcode(), "the pong comes before anything else: " + pong);
        assertArrayEquals(pingPayload, pong.payload());

        c.send(WireFrame.encode(true, 0, CONTINUATION, "world".getBytes(StandardCharsets.UTF_8), true));
        WireFrame echo = c.readMessage();
        assertEquals(TEXT, echo.opcode());
        assertEquals("Hello, world", echo.text());
        assertEquals("Hello, world", server.nextMessage().text());
    }

    /** Autobahn 6.2.x: a multi-byte character split across fragments is valid. */
    @Test
    @Timeout(20)
    void utf8CharacterSplitAcrossFragmentsIsValid() throws Exception {
        RawClient c = rawEcho();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        c.send(WireFrame.concat(
                WireFrame.encode(false, 0, TEXT, new byte[] {'a', euro[0]}, true),
                WireFrame.encode(false, 0, CONTINUATION, new byte[] {euro[1]}, true),
                WireFrame.encode(true, 0, CONTINUATION, new byte[] {euro[2], 'b'}, true)));
        assertEquals("a€b", c.readMessage().text());
    }
}
