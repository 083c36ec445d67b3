package dev.shuttle.websocket.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.shuttle.websocket.WebSocketHandshakeException;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader;
import dev.shuttle.websocket.internal.handshake.ClientHandshake;
import dev.shuttle.websocket.internal.handshake.Handshake;
import dev.shuttle.websocket.internal.handshake.ResponseHead;
import dev.shuttle.websocket.spi.Upgrade;

/**
 * Jazzer: the built-in listener's request-head parser fed arbitrary bytes in arbitrary pieces (as
 * {@link HttpExchange} does), then the server's upgrade decision on whatever it parsed.
 * <p>
 * Input: byte 0 picks {@code maxRequestHeadBytes}, byte 1 seeds the split, the rest arrives.
 * Invariants: the only failure is an {@link HttpException} with 400, 431 or 505 (431 only once
 * the limit was reached); a parsed head is at most the limit, holds only what the grammar allows,
 * and the bytes after it are kept exactly; the outcome does not depend on the split; the upgrade
 * decision never throws, refuses with a 4xx, and a 101 it accepts is one the client accepts.
 */
class RequestHeadFuzzTest {
    private static final int[] LIMITS = {16, 64, 256, 1024, 8192};
    private static final WebSocketServer SERVER = WebSocketServer.builder().subprotocols("chat", "superchat").build();

    @FuzzTest(maxDuration = "30s")
    void requestHead(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int max = LIMITS[(input[0] & 0xFF) % LIMITS.length];
        byte[] bytes = Arrays.copyOfRange(input, 2, input.length);
        Result whole = feed(bytes, max, null);
        Result pieces = feed(bytes, max, new SplittableRandom(input[1]));
        assertEquals(whole.outcome(), pieces.outcome(), "the outcome depends on how the bytes were split");
        if (pieces.head() != null) {
            checkHead(pieces.head());
            upgrade(pieces.head());
        }
    }

    /** What feeding gave; {@code outcome} is comparable across splits (status, or the head and where it ended). */
    record Result(String outcome, RequestHead head) {
    }

    /** Feeds like HttpExchange: pieces of at most min(2048, max) bytes (all at once when {@code split} is null). */
    private static Result feed(byte[] bytes, int max, SplittableRandom split) {
        RequestHeadParser parser = new RequestHeadParser(max, null);
        int fed = 0;
        while (fed < bytes.length) {
            int n = split == null ? bytes.length : Math.min(bytes.length - fed, split.nextInt(1, Math.min(2048, max) + 1));
            ByteBuffer chunk = ByteBuffer.wrap(bytes, fed, n);
            fed += n;
            RequestHead head;
            try {
                head = parser.feed(chunk);
            } catch (HttpException e) {
                int status = e.status();
                assertTrue(status == 400 || status == 431 || status == 505, () -> "status " + status + ": " + e.getMessage());
                if (status == 431) {
                    assertTrue(fed >= max, "431 before the limit was reached");
                }
                assertPrintable(e.getMessage());
                return new Result("status " + status, null);
            }
            assertTrue(!chunk.hasRemaining(), "feed left bytes unconsumed");
            if (head != null) {
                ByteBuffer leftover = parser.leftover();
                int rest = leftover == null ? 0 : leftover.remaining();
                int headLength = fed - rest;
                assertTrue(headLength <= max, () -> "a head of " + headLength + " bytes passed a limit of " + max);
                byte[] kept = new byte[rest];
                if (leftover != null) {
                    leftover.duplicate().get(kept);
                }
                assertArrayEquals(Arrays.copyOfRange(bytes, headLength, fed), kept, "bytes after the head");
                return new Result("head of " + headLength + " bytes: " + describe(head), head);
            }
        }
        return new Result("incomplete", null);
    }

    private static String describe(RequestHead head) {
        StringBuilder sb = new StringBuilder(head.method()).append(' ').append(head.target()).append(' ').append(head.version());
        for (String name : head.headerNames()) {
            sb.append('|').append(name).append('=').append(head.headers(name));
        }
        return sb.toString();
    }

    /** Only what RFC 9112 allows reaches the application. */
    private static void checkHead(RequestHead head) {
        assertTrue(RequestHeadParser.isToken(head.method()), "method");
        assertTrue(head.target().chars().allMatch(c -> c > 0x20 && c < 0x7F), "request target");
        assertNotNull(head.path());
        assertTrue(head.path().startsWith("/") || head.path().equals("*"), () -> "path " + head.path());
        assertTrue(head.minorVersion() >= 0 && head.minorVersion() <= 9);
        for (String name : head.headerNames()) {
            assertTrue(RequestHeadParser.isToken(name), "header name");
            for (String value : head.headers(name)) {
                assertTrue(value.chars().noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7F), "control character in a value");
                assertTrue(value.isEmpty() || !isOws(value.charAt(0)) && !isOws(value.charAt(value.length() - 1)), "OWS kept around a value");
            }
        }
    }

    /** The decision HttpExchange asks for; an accepted 101 must satisfy a client that sent this request. */
    private static void upgrade(RequestHead head) throws Exception {
        if (head.header("Upgrade") == null || !Handshake.isWebSocketUpgrade(head) || head.minorVersion() < 1) {
            return;
        }
        Upgrade upgrade = SERVER.upgrade(head);
        if (!upgrade.accepted()) {
            int status = upgrade.status();
            assertTrue(status >= 400 && status < 500, () -> "refused with " + status);
            assertTrue(HttpResponses.text(status, upgrade.headers(), upgrade.body(), true).hasRemaining());
            return;
        }
        assertEquals(101, upgrade.status());
        ByteBuffer answer = HttpResponses.switchingProtocols(upgrade.headers());
        byte[] bytes = new byte[answer.remaining()];
        answer.get(bytes);
        int end = ResponseHead.endOfHead(bytes, bytes.length);
        assertEquals(bytes.length, end, "the 101 is one head and nothing else");
        ResponseHead response = ResponseHead.parse(bytes, end);
        List<String> offers = head.headers("Sec-WebSocket-Extensions");
        long deflateOffers = ExtensionHeader.parse(offers).stream().filter(e -> e.name().equalsIgnoreCase("permessage-deflate")).count();
        if (deflateOffers > 1) {
            // The client's check knows only offers our client makes: one permessage-deflate element.
            return;
        }
        List<String> protocols = Handshake.tokens(head.headers("Sec-WebSocket-Protocol"));
        String offered = offers.isEmpty() ? null : String.join(", ", offers);
        if (offered != null && !Handshake.tokens(List.of(offered)).equals(Handshake.tokens(offers))) {
            // A line with an unbalanced quote: joined, it would swallow the next lines' elements.
            return;
        }
        try {
            ClientHandshake.check(response, head.header("Sec-WebSocket-Key"), protocols, offered);
        } catch (WebSocketHandshakeException e) {
            throw new AssertionError("the client refuses the server's 101: " + e.getMessage() + "\n"
                    + new String(bytes, StandardCharsets.ISO_8859_1), e);
        }
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static void assertPrintable(String message) {
        assertTrue(message.chars().noneMatch(c -> c < 0x20 || c == 0x7F), () -> "control characters in \"" + message + "\"");
    }
}
