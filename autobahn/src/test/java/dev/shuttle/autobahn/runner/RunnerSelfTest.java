package dev.shuttle.autobahn.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The runner against a careless server: correct echoes pass, every protocol slip fails the gate. */
class RunnerSelfTest {
    @Test
    void catalogHasTheSuiteCaseCounts() {
        Map<String, Long> bySection = Catalog.all().stream()
                .collect(Collectors.groupingBy(c -> c.id().substring(0, c.id().indexOf('.')), Collectors.counting()));
        // The suite's numbers for sections 1-7, 9, 10, 12 and 13 (517 cases).
        assertEquals(Map.ofEntries(Map.entry("1", 16L), Map.entry("2", 11L), Map.entry("3", 7L), Map.entry("4", 10L),
                Map.entry("5", 20L), Map.entry("6", 145L), Map.entry("7", 37L), Map.entry("9", 54L), Map.entry("10", 1L),
                Map.entry("12", 90L), Map.entry("13", 126L)), bySection);
        assertEquals(34, Catalog.select(List.of("6.22.*"), List.of()).size());
        assertEquals(List.of("9.1.1", "9.1.2"), Catalog.select(List.of("9.1.1", "9.1.2"), List.of()).stream()
                .map(CaseDef::id).toList());
    }

    @Test
    void utf8CheckerAgreesWithTheVectors() {
        assertTrue(Wire.isValidUtf8(new byte[] {(byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf}));
        assertFalse(Wire.isValidUtf8(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
        assertFalse(Wire.isValidUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
        assertFalse(Wire.isValidUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}));
        assertFalse(Wire.isValidUtf8(new byte[] {(byte) 0xe1, (byte) 0xbd}));
    }

    @Test
    void carelessServerFailsTheGateWhereItShould() throws Exception {
        List<String> ids = List.of("1.1.1", "1.2.6", "2.2", "5.3",    // fine even for a careless echo
                "2.5", "3.1", "4.1.1", "5.9", "6.3.1", "6.4.1", "7.9.1", "7.3.2", "7.5.1"); // must fail
        try (NaiveEchoServer server = new NaiveEchoServer()) {
            List<CaseResult> results = ServerRunner.run(URI.create("ws://127.0.0.1:" + server.port() + "/"), "naive",
                    Catalog.select(ids, List.of()), r -> { });
            Map<String, CaseResult> byId = results.stream().collect(Collectors.toMap(r -> r.def().id(), Function.identity()));
            for (String ok : List.of("1.1.1", "1.2.6", "2.2", "5.3")) {
                assertFalse(byId.get(ok).failsGate(), () -> ok + " " + Report.failures(List.of(byId.get(ok))));
                assertEquals(Verdict.OK, byId.get(ok).behavior(), ok);
            }
            for (String bad : List.of("2.5", "3.1", "4.1.1", "5.9", "6.3.1", "6.4.1", "7.9.1", "7.3.2", "7.5.1")) {
                assertTrue(byId.get(bad).failsGate(), () -> bad + " passed: " + byId.get(bad).indexEntry());
            }
        }
    }
}
