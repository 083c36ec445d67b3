package dev.shuttle.websocket.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.WebSocketHandshakeException;
import dev.shuttle.websocket.internal.deflate.DeflateNegotiation;

/**
 * Jazzer: the client's reading of a server's answer to its handshake, as {@code Connector} does
 * it: bytes arrive in arbitrary pieces into an {@link ResponseHead#MAX_BYTES} array, the head
 * ends at the first blank line, {@link ResponseHead#parse} reads it and {@link ClientHandshake#check}
 * judges it against what we offered.
 * <p>
 * Input: byte 0 picks our offer (subprotocols and permessage-deflate, as our client sends them),
 * byte 1 seeds the split, the rest is the server's bytes. Invariants: the only failure is a
 * {@link WebSocketHandshakeException}, whose message holds no control characters (server text
 * goes into logs); the head never grows past MAX_BYTES; where the head ends does not depend on the
 * split; an accepted answer is a 101 that chose only what we offered.
 */
class ResponseHeadFuzzTest {
    /** RFC 6455 §1.3's sample key. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final List<List<String>> PROTOCOLS = List.of(List.of(), List.of("chat"), List.of("chat", "superchat"));
    private static final String[] EXTENSIONS = {
        null,
        DeflateNegotiation.offer(Compression.defaults()),
        DeflateNegotiation.offer(Compression.builder().lowMemory(true).build()),
    };

    @FuzzTest(maxDuration = "30s")
    void responseHead(byte[] input) {
        if (input.length < 2) {
            return;
        }
        List<String> protocols = PROTOCOLS.get((input[0] & 0xFF) % 3);
        String extensions = EXTENSIONS[((input[0] & 0xFF) / 3) % 3];
        byte[] server = Arrays.copyOfRange(input, 2, input.length);

        int whole = endOfHead(server, null);
        int pieces = endOfHead(server, new SplittableRandom(input[1]));
        assertEquals(whole, pieces, "where the head ends depends on how the bytes were split");
        if (pieces < 0) {
            return;
        }
        byte[] head = Arrays.copyOf(server, pieces);
        ResponseHead response;
        try {
            response = ResponseHead.parse(head, head.length);
        } catch (WebSocketHandshakeException e) {
            assertPrintable(e.getMessage());
            return;
        }
        assertTrue(response.status() >= 0 && response.status() <= 999);
        for (String name : response.headers().keySet()) {
            assertTrue(ResponseHead.isToken(name, 0, name.length()), () -> "header name " + name);
            assertEquals(response.headers().get(name), response.headers(name.toUpperCase(java.util.Locale.ROOT)));
        }
        ClientHandshake.Accepted accepted;
        try {
            accepted = ClientHandshake.check(response, KEY, protocols, extensions);
        } catch (WebSocketHandshakeException e) {
            assertPrintable(e.getMessage());
            return;
        }
        assertEquals(101, response.status());
        assertTrue(accepted.subprotocol() == null || protocols.contains(accepted.subprotocol()), "a subprotocol we did not offer");
        assertTrue(accepted.extensions().isEmpty() || extensions != null, "an extension we did not offer");
        if (accepted.deflate() != null) {
            assertTrue(extensions != null, "permessage-deflate without an offer");
            if (extensions.contains("server_no_context_takeover")) {
                assertTrue(accepted.deflate().serverNoContextTakeover(), "low memory asked for server_no_context_takeover");
                assertTrue(accepted.deflate().clientNoContextTakeover(), "low memory resets our own window");
            }
        }
    }

    /** Finding: a reason phrase with control characters (a bare CR, 0x14) went into the exception's message as is. */
    @Test
    void reasonPhraseInMessagesIsPrintable() throws Exception {
        byte[] head = "HTTP/1.1 403 No\rp\u0014e\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ResponseHead response = ResponseHead.parse(head, head.length);
        WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                () -> ClientHandshake.check(response, KEY, List.of(), null));
        assertEquals("server answered 403 No?p?e", e.getMessage());
    }

    /**
     * Where Connector's reading would end the head: the index past the blank line, -1 if the
     * bytes ran out first, -2 when MAX_BYTES filled up without one.
     */
    private static int endOfHead(byte[] server, SplittableRandom split) {
        byte[] head = new byte[ResponseHead.MAX_BYTES];
        int length = 0;
        int fed = 0;
        while (fed < server.length) {
            int room = head.length - length;
            int n = Math.min(room, split == null ? server.length - fed : Math.min(server.length - fed, split.nextInt(1, 1500)));
            System.arraycopy(server, fed, head, length, n);
            fed += n;
            length += n;
            int end = ResponseHead.endOfHead(head, length);
            if (end >= 0) {
                assertTrue(end <= length);
                return end;
            }
            if (length == head.length) {
                return -2;
            }
        }
        return -1;
    }

    private static void assertPrintable(String message) {
        assertTrue(message.chars().noneMatch(c -> c < 0x20 || c == 0x7F), () -> "control characters in \"" + message + "\"");
    }
}
