package dev.shuttle.autobahn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.shuttle.autobahn.runner.CaseDef;
import dev.shuttle.autobahn.runner.CaseResult;
import dev.shuttle.autobahn.runner.Catalog;
import dev.shuttle.autobahn.runner.FuzzingServer;
import dev.shuttle.autobahn.runner.Report;
import dev.shuttle.autobahn.runner.ServerRunner;

/**
 * The CI conformance gate: the whole case catalog against the echo server on every transport
 * in {@link Transports} (adding an adapter there adds it here) and against every client in
 * {@link Clients}, one summary line per target, reports under
 * {@code autobahn/target/reports/{servers,clients}/}, and a failure for any FAILED case.
 * {@code -Dshuttle.autobahn.cases=6.*,7.*} narrows the run while developing, and
 * {@code -Dshuttle.autobahn.targets=tomcat,client} to some targets (servers by transport name,
 * {@code client} for every client).
 */
class ConformanceTest {
    private static final Path REPORTS = Path.of(System.getProperty("shuttle.autobahn.reports", "target/reports"));
    private static final Map<String, List<CaseResult>> SERVERS = new ConcurrentHashMap<>();
    private static final Map<String, List<CaseResult>> CLIENTS = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicTest> servers() {
        List<CaseDef> cases = Catalog.select(
                List.of(System.getProperty("shuttle.autobahn.cases", "*").split(",")), List.of());
        return Transports.names().stream().filter(ConformanceTest::selected).map(name -> DynamicTest.dynamicTest(name, () -> {
            List<CaseResult> results;
            try (Transports.Running server = Transports.start(name, "127.0.0.1", 0)) {
                results = ServerRunner.run(URI.create("ws://127.0.0.1:" + server.port() + "/"), name, cases, r -> { });
            }
            SERVERS.put(name, results);
            Report.write(REPORTS.resolve("servers"), SERVERS);
            System.out.println(Report.summary(name, results));
            List<String> failures = Report.failures(results);
            if (!failures.isEmpty()) {
                fail(failures.size() + " FAILED case(s) on " + name + ":\n" + String.join("\n", failures));
            }
            assertTrue(results.size() == cases.size());
        }));
    }

    /** Every client in {@link Clients} against the in-repo fuzzingserver (Shuttle's once it is on main). */
    @TestFactory
    Stream<DynamicTest> clients() {
        List<CaseDef> cases = Catalog.select(
                List.of(System.getProperty("shuttle.autobahn.cases", "*").split(",")), List.of());
        return Clients.names().stream().filter(name -> selected("client")).map(name -> DynamicTest.dynamicTest(name, () -> {
            List<CaseResult> results;
            try (FuzzingServer server = FuzzingServer.start("127.0.0.1", 0, cases, REPORTS.resolve("clients"))) {
                Clients.get(name).run(URI.create("ws://127.0.0.1:" + server.port()), name);
                server.writeReports();
                results = server.results().getOrDefault(name, List.of());
            }
            CLIENTS.put(name, results);
            System.out.println(Report.summary("client " + name, results));
            List<String> failures = Report.failures(results);
            if (!failures.isEmpty()) {
                fail(failures.size() + " FAILED case(s) on client " + name + ":\n" + String.join("\n", failures));
            }
            assertTrue(results.size() == cases.size(), "the client ran " + results.size() + " of " + cases.size() + " cases");
        }));
    }

    private static boolean selected(String target) {
        String targets = System.getProperty("shuttle.autobahn.targets", "");
        return targets.isBlank() || List.of(targets.split(",")).contains(target);
    }

    @AfterAll
    static void summary() {
        SERVERS.forEach((name, results) -> System.out.println("conformance " + Report.summary(name, results)));
        CLIENTS.forEach((name, results) -> System.out.println("conformance " + Report.summary("client " + name, results)));
    }
}
