package dev.shuttle.autobahn.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fuzzingserver side of the runner, checked with the JDK's client on cases any correct client passes. */
class FuzzingServerSelfTest {
    @Test
    void jdkClientPassesPlainCases(@TempDir Path reports) throws Exception {
        List<CaseDef> cases = Catalog.select(List.of("1.1.1", "1.2.6", "2.1", "2.3", "5.6", "6.2.2", "9.1.1"), List.of());
        try (FuzzingServer server = FuzzingServer.start("127.0.0.1", 0, cases, reports)) {
            JdkClientDriver.run(URI.create("ws://127.0.0.1:" + server.port()), "jdk");
            List<CaseResult> results = server.results().get("jdk");
            assertEquals(cases.size(), results.size());
            assertEquals(List.of(), Report.failures(results));
            assertTrue(results.stream().allMatch(r -> r.behavior().equals(Verdict.OK)), () -> Report.summary("jdk", results));
            assertTrue(Files.readString(reports.resolve("index.json")).contains("\"jdk\""));
            assertTrue(results.stream().allMatch(r -> Boolean.TRUE.equals(r.detail().get("isServer"))));
        }
    }
}
