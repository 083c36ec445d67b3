package dev.shuttle.autobahn;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.shuttle.autobahn.runner.CaseDef;
import dev.shuttle.autobahn.runner.CaseResult;
import dev.shuttle.autobahn.runner.Catalog;
import dev.shuttle.autobahn.runner.FuzzingServer;
import dev.shuttle.autobahn.runner.Report;
import dev.shuttle.autobahn.runner.ServerRunner;

/**
 * {@code java -jar shuttle-autobahn.jar <command>}:
 * <ul>
 * <li>{@code server --transport builtin|jetty|servlet|undertow|tomcat --port N [--host H]}: the echo
 * server the Autobahn fuzzingclient tests; runs until SIGINT/SIGTERM.</li>
 * <li>{@code client --url ws://127.0.0.1:9001 --agent shuttle}: Shuttle's client against an
 * Autobahn fuzzingserver (once the client is on main).</li>
 * <li>{@code fuzzingclient --url ws://127.0.0.1:9001/ --agent A [--cases 1.*,2.1] [--exclude 9.*]
 * [--outdir autobahn/target/reports/servers]}: the in-repo runner of the case catalog against any
 * server; exit 1 when a case FAILED.</li>
 * <li>{@code fuzzingserver --port 9001 [--cases ...] [--outdir autobahn/target/reports/clients]}:
 * the in-repo runner as a fuzzingserver for a client; runs until SIGINT/SIGTERM.</li>
 * </ul>
 * Exit codes: 0 fine, 1 failed, 2 bad command line, 3 command not available in this build.
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar shuttle-autobahn.jar <command> [options]
              server --transport T --port N [--host H]   echo server for the Autobahn fuzzingclient
                                                         (T: %s; planned: %s)
              client --url U --agent A                   Shuttle's client against an Autobahn fuzzingserver
              fuzzingclient --url U --agent A [--cases P,P] [--exclude P,P] [--outdir D]
                                                         run the in-repo case catalog against a server
              fuzzingserver --port N [--host H] [--cases P,P] [--exclude P,P] [--outdir D]
                                                         serve the in-repo case catalog to a client""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 0 ? err : out).println(usage());
            return args.length == 0 ? 2 : 0;
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("error: bad argument " + args[i]);
                err.println(usage());
                return 2;
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return switch (args[0]) {
            case "server" -> server(opts, out, err);
            case "client" -> client(opts, out, err);
            case "fuzzingclient" -> fuzzingClient(opts, out, err);
            case "fuzzingserver" -> fuzzingServer(opts, out);
            default -> {
                err.println("error: unknown command " + args[0]);
                err.println(usage());
                yield 2;
            }
        };
    }

    private static String usage() {
        return USAGE.formatted(String.join("|", Transports.names()), String.join("|", Transports.PLANNED));
    }

    private static int server(Map<String, String> opts, PrintStream out, PrintStream err) throws Exception {
        String transport = opts.getOrDefault("transport", "builtin");
        String host = opts.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(opts.getOrDefault("port", "9001"));
        if (!Transports.names().contains(transport)) {
            err.println("error: transport " + transport + (Transports.PLANNED.contains(transport)
                    ? " has not landed in this build" : " is unknown") + " (available: " + Transports.names() + ")");
            return Transports.PLANNED.contains(transport) ? 3 : 2;
        }
        Transports.Running running = Transports.start(transport, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            running.close();
            stopped.countDown();
        }));
        out.println("listening on ws://" + host + ":" + running.port() + "/");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Shuttle's WebSocketClient against a fuzzingserver (exit 3 while the client is not in this build). */
    private static int client(Map<String, String> opts, PrintStream out, PrintStream err) throws Exception {
        Clients.Driver driver = Clients.get("shuttle");
        if (driver == null) {
            err.println("client: Shuttle's WebSocketClient is not in this build yet; nothing to run");
            return 3;
        }
        String agent = opts.getOrDefault("agent", "shuttle");
        URI base = URI.create(opts.getOrDefault("url", "ws://127.0.0.1:9001"));
        driver.run(base, agent);
        out.println("client: ran every case of " + base + " as " + agent + "; the fuzzingserver has the verdicts");
        return 0;
    }

    private static int fuzzingClient(Map<String, String> opts, PrintStream out, PrintStream err) throws Exception {
        URI url = URI.create(opts.getOrDefault("url", "ws://127.0.0.1:9001/"));
        String agent = opts.getOrDefault("agent", "shuttle");
        List<CaseDef> cases = Catalog.select(list(opts.getOrDefault("cases", "*")), list(opts.getOrDefault("exclude", "")));
        Path outdir = Path.of(opts.getOrDefault("outdir", "autobahn/target/reports/servers"));
        out.println("running " + cases.size() + " cases against " + url + " as " + agent);
        List<CaseResult> results = ServerRunner.run(url, agent, cases, r -> {
            if (r.failsGate()) {
                out.println("  " + r.def().id() + " " + r.behavior() + " / " + r.behaviorClose());
            }
        });
        Report.write(outdir, Map.of(agent, results));
        Report.failures(results).forEach(err::println);
        out.println(Report.summary(agent, results));
        out.println("report: " + outdir.resolve("index.json"));
        return results.stream().anyMatch(CaseResult::failsGate) ? 1 : 0;
    }

    private static int fuzzingServer(Map<String, String> opts, PrintStream out) throws Exception {
        List<CaseDef> cases = Catalog.select(list(opts.getOrDefault("cases", "*")), list(opts.getOrDefault("exclude", "")));
        Path outdir = Path.of(opts.getOrDefault("outdir", "autobahn/target/reports/clients"));
        String host = opts.getOrDefault("host", "127.0.0.1");
        FuzzingServer server = FuzzingServer.start(host, Integer.parseInt(opts.getOrDefault("port", "9001")), cases, outdir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            try {
                server.close();
            } catch (java.io.IOException ignored) {
                // stopping anyway
            }
            stopped.countDown();
        }));
        out.println("fuzzingserver with " + cases.size() + " cases on ws://" + host + ":" + server.port() + "/");
        out.flush();
        stopped.await();
        return 0;
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
