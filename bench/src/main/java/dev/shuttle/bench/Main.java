package dev.shuttle.bench;

import java.util.Arrays;

import picocli.CommandLine;

import dev.shuttle.bench.load.LoadMain;
import dev.shuttle.bench.server.ServerMain;
import dev.shuttle.bench.soak.SoakClient;
import dev.shuttle.bench.soak.SoakCommand;

/**
 * One jar, five programs:
 * <pre>
 * java -jar shuttle-bench.jar shuttle --transport builtin --mode echo|broadcast --port N
 * java -jar shuttle-bench.jar peer --kind jetty|undertow|netty --mode echo|broadcast --port N
 * java -jar shuttle-bench.jar load --scenario echo-open|echo-closed|broadcast|idle --port N ...
 * java -jar shuttle-bench.jar jmh [JMH options]
 * java -jar shuttle-bench.jar soak [--transport builtin|jetty|servlet|undertow] [--connections N] ... (--help)
 * </pre>
 * Exit code 2 for a bad command line.
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar shuttle-bench.jar <command> [options]
              shuttle --transport builtin [--mode echo|broadcast] [--host H] [--port N] [--queue BYTES]
              peer    --kind jetty|undertow|netty [--mode echo|broadcast] [--host H] [--port N]
              load    --scenario echo-open|echo-closed|broadcast|idle [--host H] [--port N]
                      [--connections C] [--size BYTES] [--rate MSGS_PER_S_PER_CONN] [--window N]
                      [--warmup S] [--duration S] [--threads T] [--pid SERVER_PID] [--text]
              jmh     [any JMH option, e.g. -f 1 -wi 2 -i 3 Mask]
              soak    [--transport builtin|jetty|servlet|undertow] [--connections N] [--header-only N] (soak --help)
            servers print 'listening on ws://H:N/' when ready; load prints one 'RESULT k=v ...' line;
            soak exits 1 when the server does not come back to its baseline.
            The scale-out benchmark (1 instance vs 3 through NATS and Redis) is its own jar, since Lettuce
            needs Netty 4.2 and the Netty peer here runs 4.1:
              java -jar bench/scaleout/target/shuttle-scaleout.jar [--brokers local,nats,redis,redis-history]
                   [--members N] [--publishers P] [--rate R[,R...]] [--warmup S] [--seconds S] [--size B]""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "shuttle" -> ServerMain.shuttle(new Args(args, 1));
                case "peer" -> ServerMain.peer(new Args(args, 1));
                case "load" -> LoadMain.run(new Args(args, 1));
                case "jmh" -> org.openjdk.jmh.Main.main(rest);
                case "soak" -> System.exit(new CommandLine(new SoakCommand()).execute(rest));
                case "soak-client" -> System.exit(new CommandLine(new SoakClient()).execute(rest));
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }
}
