package dev.shuttle.websocket.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Extension;
import dev.shuttle.websocket.internal.deflate.ExtensionHeader.Param;

/** Offer → answer tables for RFC 7692 §7.1 negotiation, both sides, and the header parser under it. */
class DeflateNegotiationTest {
    private static final Compression ON = Compression.defaults();
    private static final Compression LOW_MEMORY = Compression.builder().lowMemory(true).build();

    /** Header lines separated by '|'; "-" for an empty answer (declined). */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '→', quoteCharacter = '`', value = {
            "permessage-deflate → permessage-deflate",
            "PerMessage-Deflate → permessage-deflate",
            "permessage-deflate; client_max_window_bits → permessage-deflate",
            "permessage-deflate; client_max_window_bits=10 → permessage-deflate",
            "permessage-deflate; client_max_window_bits=\"8\" → permessage-deflate",
            // §7.1.2.1: an accepted server_max_window_bits is answered (Autobahn 13.4.x, 13.6.x offers)
            "permessage-deflate; server_max_window_bits=15 → permessage-deflate; server_max_window_bits=15",
            "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=15 → permessage-deflate; client_no_context_takeover; server_max_window_bits=15",
            "permessage-deflate; server_no_context_takeover → permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover → permessage-deflate; client_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits → permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            // window bits our compressor cannot honour, then a fallback offer (§5.1)
            "permessage-deflate; server_max_window_bits=10, permessage-deflate → permessage-deflate",
            "permessage-deflate; server_max_window_bits=10 → -",
            "permessage-deflate; server_max_window_bits=8; client_max_window_bits → -",
            // the same, with the fallback on a second header line
            "permessage-deflate; server_max_window_bits=9|permessage-deflate; client_no_context_takeover → permessage-deflate; client_no_context_takeover",
            // bad parameters decline that offer only
            "permessage-deflate; server_max_window_bits → -",
            "permessage-deflate; server_max_window_bits=16 → -",
            "permessage-deflate; client_max_window_bits=7 → -",
            "permessage-deflate; client_max_window_bits=015 → -",
            "permessage-deflate; client_max_window_bits=abc → -",
            "permessage-deflate; server_no_context_takeover=1 → -",
            "permessage-deflate; client_no_context_takeover=\"x\" → -",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover → -",
            "permessage-deflate; client_max_window_bits; client_max_window_bits=10 → -",
            "permessage-deflate; mystery → -",
            "permessage-deflate; mystery, permessage-deflate; server_no_context_takeover → permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_max_window_bits=\"1,0\", permessage-deflate → permessage-deflate",
            "permessage-deflate; =1 → -",
            // other extensions are skipped
            "x-webkit-deflate-frame → -",
            "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits → permessage-deflate",
            "foo; bar=\"a;b\", permessage-deflate → permessage-deflate",
            " → -",
    })
    void serverSelects(String offer, String answer) {
        DeflateParams p = DeflateNegotiation.select(lines(offer), ON);
        assertEquals(answer, p == null ? "-" : p.responseHeader());
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '→', value = {
            "permessage-deflate → permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_max_window_bits → permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover → permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; server_max_window_bits=12 → -",
    })
    void lowMemoryServerDropsItsOwnContextAndAcknowledgesTheClients(String offer, String answer) {
        DeflateParams p = DeflateNegotiation.select(lines(offer), LOW_MEMORY);
        assertEquals(answer, p == null ? "-" : p.responseHeader());
        if (p != null) {
            assertTrue(p.sendNoContextTakeover(true));
            assertEquals(offer.contains("client_no_context_takeover"), p.receiveNoContextTakeover(true));
        }
    }

    @Test
    void disabledServerDeclinesEverything() {
        assertNull(DeflateNegotiation.select(List.of("permessage-deflate"), Compression.disabled()));
        assertNull(DeflateNegotiation.select(List.of(), ON));
        assertNull(DeflateNegotiation.select(null, ON));
    }

    @Test
    void clientOffers() {
        assertEquals("permessage-deflate", DeflateNegotiation.offer(ON));
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover", DeflateNegotiation.offer(LOW_MEMORY));
        assertNull(DeflateNegotiation.offer(Compression.disabled()));
        // The server's own parser accepts what the client offers.
        assertEquals(DeflateNegotiation.offer(LOW_MEMORY), DeflateNegotiation.select(List.of(DeflateNegotiation.offer(LOW_MEMORY)), ON).responseHeader());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '→', value = {
            "permessage-deflate → false, false, 15",
            "permessage-deflate; server_no_context_takeover → true, false, 15",
            "permessage-deflate; client_no_context_takeover → false, true, 15",
            "permessage-deflate; server_max_window_bits=9 → false, false, 9",
            "permessage-deflate; server_max_window_bits=\"12\"; server_no_context_takeover → true, false, 12",
    })
    void clientAcceptsAnswers(String answer, String expected) {
        DeflateParams p = DeflateNegotiation.validateAnswer(List.of(answer), ON);
        String[] e = expected.split(",\\s*");
        assertEquals(Boolean.parseBoolean(e[0]), p.serverNoContextTakeover());
        assertEquals(Boolean.parseBoolean(e[1]), p.clientNoContextTakeover());
        assertEquals(Integer.parseInt(e[2]), p.serverMaxWindowBits());
        assertEquals(15, p.clientMaxWindowBits());
        // The client side: our window resets when the server asked for it; the server's window as agreed.
        assertEquals(p.clientNoContextTakeover(), p.sendNoContextTakeover(false));
        assertEquals(p.serverNoContextTakeover(), p.receiveNoContextTakeover(false));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '→', value = {
            "permessage-deflate; client_max_window_bits=10 → did not offer",
            "permessage-deflate; client_max_window_bits=15 → did not offer",
            "permessage-deflate; server_max_window_bits=7 → bad server_max_window_bits",
            "permessage-deflate; server_max_window_bits → bad server_max_window_bits",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover → repeated",
            "permessage-deflate; client_no_context_takeover=yes → takes no value",
            "permessage-deflate; mystery → unknown",
            "x-webkit-deflate-frame → did not offer",
            "permessage-deflate; =x → malformed",
            "permessage-deflate|permessage-deflate → more than one",
    })
    void clientRefusesAnswers(String answer, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeflateNegotiation.validateAnswer(lines(answer), ON));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void clientWithoutAnAnswerGoesUncompressed() {
        assertNull(DeflateNegotiation.validateAnswer(List.of(), ON));
        assertNull(DeflateNegotiation.validateAnswer(null, Compression.disabled()));
        assertThrows(IllegalArgumentException.class,
                () -> DeflateNegotiation.validateAnswer(List.of("permessage-deflate"), Compression.disabled()));
    }

    @Test
    void lowMemoryClientRequiresServerNoContextTakeover() {
        assertThrows(IllegalArgumentException.class,
                () -> DeflateNegotiation.validateAnswer(List.of("permessage-deflate"), LOW_MEMORY));
        DeflateParams p = DeflateNegotiation.validateAnswer(List.of("permessage-deflate; server_no_context_takeover"), LOW_MEMORY);
        assertTrue(p.sendNoContextTakeover(false), "we offered client_no_context_takeover, so we keep to it");
    }

    @Test
    void parserKeepsOffersParametersAndQuotedValues() {
        List<Extension> parsed = ExtensionHeader.parse(List.of(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\", foo",
                "bar; baz=\"a \\\"q\\\" ; , b\""));
        assertEquals(3, parsed.size());
        assertEquals("permessage-deflate", parsed.get(0).name());
        assertEquals(List.of(new Param("client_max_window_bits", null), new Param("server_max_window_bits", "10")), parsed.get(0).params());
        assertEquals("foo", parsed.get(1).name());
        assertTrue(parsed.get(1).params().isEmpty());
        assertEquals("a \"q\" ; , b", parsed.get(2).params().get(0).value());
        assertTrue(parsed.stream().allMatch(Extension::valid));
    }

    @Test
    void parserMarksMalformedElements() {
        for (String bad : List.of("permessage-deflate; a=", "permessage-deflate; a=\"x", "permessage-deflate; a=b c",
                "per message", "permessage-deflate; x=\"a\"b\"", "\"quoted\"")) {
            assertFalse(ExtensionHeader.parse(List.of(bad)).get(0).valid(), bad);
        }
    }

    @ParameterizedTest
    @CsvSource({"8,8", "15,15", "9,9", "7,-1", "16,-1", "08,-1", "'',-1", "1a,-1", "100,-1"})
    void windowBits(String value, int bits) {
        assertEquals(bits, DeflateNegotiation.windowBits(value));
    }

    private static List<String> lines(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.split("\\|"));
    }
}
