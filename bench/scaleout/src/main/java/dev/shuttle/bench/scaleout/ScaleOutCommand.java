package dev.shuttle.bench.scaleout;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scale-out run: for each setup and rate, fresh Shuttle instances (and a fresh broker
 * process), clients in one room spread over the instances, open-loop publishers; one table at the
 * end with the ratios to the single instance. Exit code 0, 1 when a point failed to run, 2 for a
 * bad command line.
 */
@Command(name = "scaleout", mixinStandardHelpOptions = true,
        description = "Deliveries/s and delivery latency of one room on 1 instance and on 3 instances bridged "
                + "through NATS and Redis, in one run; the brokers are started on loopback and killed at the end.")
public final class ScaleOutCommand implements Callable<Integer> {
    /** Held, so that their levels stay (java.util.logging keeps loggers weakly). */
    private static final Logger ROOT_LOG = Logger.getLogger("");
    private static final Logger LETTUCE_LOG = Logger.getLogger("io.lettuce");

    @Option(names = "--brokers", split = ",", defaultValue = "local,nats,redis,redis-history",
            description = "setups, in order: local (1 instance), nats, redis, redis-history (3 instances each) "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> brokers;

    @Option(names = "--members", defaultValue = "30", description = "clients in the room (default: ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--publishers", defaultValue = "3",
            description = "of the members, the ones that publish (default: ${DEFAULT-VALUE})")
    int publishers;

    @Option(names = "--rate", split = ",", defaultValue = "1000",
            description = "messages/s published in total, open loop; several make several rows (default: ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(names = "--warmup", defaultValue = "5", description = "seconds of publishing before the window (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--seconds", defaultValue = "20", description = "the measurement window (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--size", defaultValue = "64", description = "payload bytes, at least 28 (default: ${DEFAULT-VALUE})")
    int size;

    public static void main(String[] args) {
        // The bridges log each (re)connect at INFO and Lettuce warns about closing a closed
        // connection at shutdown: noise between the progress lines. Real trouble is WARNING or worse.
        ROOT_LOG.setLevel(Level.WARNING);
        LETTUCE_LOG.setLevel(Level.SEVERE);
        System.exit(new CommandLine(new ScaleOutCommand()).execute(args));
    }

    /** The setups named on the command line. */
    List<Setup> setups() {
        List<Setup> list = new ArrayList<>();
        for (String b : brokers) {
            list.add(Setup.of(b));
        }
        return list;
    }

    Settings settings() {
        for (int r : rates) {
            if (r < 1) {
                throw new IllegalArgumentException("--rate must be at least 1: " + r);
            }
        }
        return new Settings(members, publishers, warmup, seconds, size);
    }

    @Override
    public Integer call() throws Exception {
        List<Setup> setups;
        Settings s;
        try {
            setups = setups();
            s = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        long begin = System.nanoTime();
        List<Point.Result> results = new ArrayList<>();
        int failed = 0;
        for (int rate : rates) {
            for (Setup setup : setups) {
                System.err.printf("%s, %d msg/s: %d members, %d publishers, warm-up %d s, window %d s ...%n",
                        setup.label, rate, s.members(), s.publishers(), s.warmupSeconds(), s.seconds());
                try {
                    Point.Result r = Point.run(setup, rate, s);
                    results.add(r);
                    System.err.println("  " + r);
                } catch (Exception e) {
                    failed++;
                    System.err.println("  failed: " + e);
                    e.printStackTrace();
                }
            }
        }
        long took = (System.nanoTime() - begin) / 1_000_000_000L;
        System.out.println();
        System.out.printf("## %s, %d s; %d cores, %s %s%n", Instant.now().truncatedTo(ChronoUnit.MINUTES), took,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.printf("## scaleout --brokers %s --members %d --publishers %d --rate %s --warmup %d --seconds %d --size %d%n",
                String.join(",", brokers), s.members(), s.publishers(), join(rates), s.warmupSeconds(), s.seconds(), s.size());
        System.out.println("## JVM args: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println();
        System.out.print(Table.render(results));
        System.out.println();
        System.out.println("""
                (xN): ratio to the local row at the same rate. lost, dup / bad: deliveries over every message of the
                point (warm-up included), counted at the receivers: each member but the publisher must see each message
                exactly once. server drops: the hubs' slow-consumer drops plus the bridges' lost, inbound-dropped and
                undecodable messages, plus RedisHistory's lost appends and live gaps (a gap is one event: a stretch of
                offsets trimmed from the stream before this instance read them). CPU: over the window; this JVM holds
                the instances, the bridges and the clients.""");
        return failed == 0 ? 0 : 1;
    }

    private static String join(List<Integer> values) {
        StringBuilder b = new StringBuilder();
        for (int v : values) {
            b.append(b.isEmpty() ? "" : ",").append(v);
        }
        return b.toString();
    }
}
