package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Extension;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Param;
import dev.shuttle.websocket.internal.handshake.Handshake;

/**
 * Jazzer: {@code Sec-WebSocket-Extensions} lines as a peer sends them (bytes as ISO-8859-1, one
 * line per {@code \n}), through {@link ExtensionHeader#parse}, the server's choice
 * ({@link DeflateNegotiation#select}) and the client's check ({@link DeflateNegotiation#validateAnswer}).
 * <p>
 * Invariants: parsing and choosing never throw, and the client's check throws only
 * {@link IllegalArgumentException}; one extension per element; a valid element re-parses to
 * itself; the server accepts the first offer it can honour, and its answer is one that a client
 * which sent that offer accepts, with both ends agreeing on who resets their window.
 */
class ExtensionHeaderFuzzTest {
    private static final Compression[] CONFIGS = {
        Compression.defaults(),
        Compression.builder().lowMemory(true).build(),
        Compression.disabled(),
    };

    @FuzzTest(maxDuration = "30s")
    void extensions(byte[] input) {
        if (input.length < 1) {
            return;
        }
        Compression config = CONFIGS[(input[0] & 0xFF) % CONFIGS.length];
        List<String> lines = Arrays.asList(new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1).split("\n", -1));

        List<Extension> parsed = ExtensionHeader.parse(lines);
        assertEquals(Handshake.tokens(lines).size(), parsed.size(), "one extension per element");
        for (Extension e : parsed) {
            checkElement(e);
        }

        DeflateParams chosen = DeflateNegotiation.select(lines, config);
        Extension offer = firstAcceptable(parsed, config);
        if (offer == null) {
            assertNull(chosen, "accepted an offer it cannot honour");
        } else {
            assertNotNull(chosen, "declined every offer although one was acceptable: " + offer);
            assertEquals(DeflateNegotiation.accept(offer, config.lowMemory()), chosen);
            clientAccepts(chosen, offer);
        }

        // The client side on the same bytes taken as an answer: a verdict, never another exception.
        for (Compression ours : CONFIGS) {
            try {
                DeflateNegotiation.validateAnswer(lines, ours);
            } catch (IllegalArgumentException expected) {
                // the handshake fails with this message
            }
        }
        try {
            DeflateNegotiation.validateAnswer(lines, String.join(", ", lines));
        } catch (IllegalArgumentException expected) {
            // as above
        }
    }

    private static void checkElement(Extension e) {
        assertNotNull(e.name());
        if (!e.valid()) {
            return;
        }
        assertTrue(ExtensionHeader.isToken(e.name()), () -> "valid with a name that is no token: " + e);
        boolean allTokens = true;
        for (Param p : e.params()) {
            assertTrue(ExtensionHeader.isToken(p.name()), () -> "valid with a parameter that is no token: " + e);
            allTokens &= p.value() == null || ExtensionHeader.isToken(p.value());
        }
        if (allTokens) {
            assertEquals(e, ExtensionHeader.parseElement(e.toString()), "a valid element does not re-parse to itself");
        }
    }

    private static Extension firstAcceptable(List<Extension> offers, Compression config) {
        if (!config.enabled()) {
            return null;
        }
        for (Extension e : offers) {
            if (e.valid() && e.name().equalsIgnoreCase(DeflateParams.EXTENSION) && DeflateNegotiation.accept(e, config.lowMemory()) != null) {
                return e;
            }
        }
        return null;
    }

    /**
     * The server's answer, checked as a client that sent {@code offer} checks it. Both must agree
     * where a disagreement corrupts messages: the server's window (the client inflates with it)
     * and, if the server thinks the client resets its window, the client must really reset it.
     */
    private static void clientAccepts(DeflateParams server, Extension offer) {
        String answer = server.responseHeader();
        DeflateParams client;
        try {
            client = DeflateNegotiation.validateAnswer(List.of(answer), offer.toString());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("a client that offered \"" + offer + "\" refuses the answer \"" + answer + "\": " + e.getMessage(), e);
        }
        assertNotNull(client);
        assertEquals(server.serverNoContextTakeover(), client.serverNoContextTakeover(), "server_no_context_takeover");
        assertEquals(server.serverMaxWindowBits(), client.serverMaxWindowBits(), "server_max_window_bits");
        if (server.clientNoContextTakeover()) {
            assertTrue(client.clientNoContextTakeover(), "the server resets its inflater, the client keeps its window");
        }
    }
}
