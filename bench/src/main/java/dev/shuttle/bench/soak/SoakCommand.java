package dev.shuttle.bench.soak;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.shuttle.bench.server.ServerMain;
import dev.shuttle.bench.server.ShuttleServers;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;

/**
 * The soak run (issue 9): an echo server in this process, hostile clients in child processes,
 * phase after phase; this process's descriptors, threads, heap and RSS before, during and after
 * each phase; a fresh client must echo while the attack is held and after it; exit 1 when a
 * figure does not come back to the baseline within the stated tolerance, 0 when all do.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Soak a Shuttle echo server with hostile peers from child processes and check that it returns to its baseline.")
public final class SoakCommand implements Callable<Integer> {
    @Option(names = "--transport", defaultValue = "builtin", description = "builtin, jetty, servlet or undertow (default: ${DEFAULT-VALUE})")
    String transport;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "loopback address to serve on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--connections", defaultValue = "3000",
            description = "connections per phase for churn, handshake-reset and frame-reset; a quarter of it (at most 500) for "
                    + "ping-flood, a thirtieth (at most 100) for slow-consumer (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--header-only", defaultValue = "10000", description = "connections of the header-only phase (default: ${DEFAULT-VALUE})")
    int headerOnly;

    @Option(names = "--per-child", defaultValue = "5000", description = "connections per client process (default: ${DEFAULT-VALUE})")
    int perChild;

    @Option(names = "--child-fd-limit", defaultValue = "19000", description = "ulimit -n of each client process (default: ${DEFAULT-VALUE})")
    int childFdLimit;

    @Option(names = "--write-stall-seconds", defaultValue = "5", description = "the server's writeStallTimeout (default: ${DEFAULT-VALUE})")
    int writeStallSeconds;

    @Option(names = "--settle-seconds", defaultValue = "90",
            description = "how long the figures may take to come back after a phase (default: ${DEFAULT-VALUE})")
    int settleSeconds;

    @Option(names = "--container-idle-seconds", defaultValue = "10",
            description = "Jetty's thread idle timeout; every idle thread goes at once (default: ${DEFAULT-VALUE})")
    int containerIdleSeconds;

    @Option(names = "--phases", split = ",", description = "phases to run, in order (default: all): churn, handshake-reset, "
            + "frame-reset, slow-consumer, ping-flood, header-only")
    String[] phases;

    /** What "back to baseline" allows; printed with every run. */
    static final Figures.Tolerance TOLERANCE = new Figures.Tolerance(16, 24, 16, 192);
    /** Issue 9: 10,000 header-only connections grow the heap by less than this. */
    static final long HEADER_ONLY_HEAP_BOUND_MIB = 64;
    private static final int WARM_UP_CONNECTIONS = 20;

    /** The key of {@link #closes} for a peer dropped by the write-stall timeout (reported as 1006). */
    private static final String STALLED = "1006-write-stall";
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> closes = new ConcurrentHashMap<>();
    private int failures;

    @Override
    public Integer call() throws Exception {
        Options options = Options.defaults().toBuilder().writeStallTimeout(Duration.ofSeconds(writeStallSeconds)).build();
        WebSocketServer server = ShuttleServers.echo(WebSocketServer.builder().options(options))
                .onOpen(c -> open.incrementAndGet())
                .onClose((c, code, reason, cause) -> {
                    open.decrementAndGet();
                    boolean stalled = cause != null && String.valueOf(cause.getMessage()).startsWith("write stalled");
                    closes.computeIfAbsent(stalled ? STALLED : Integer.toString(code), k -> new AtomicInteger()).incrementAndGet();
                })
                .build();
        // Jetty's pool grows under churn and by default sheds one idle thread per minute.
        ShuttleServers.jettyThreadIdleTimeout(Duration.ofSeconds(containerIdleSeconds));
        Phase[] run = phases == null ? Phase.values() : java.util.Arrays.stream(phases).map(Phase::parse).toArray(Phase[]::new);
        try (ServerMain.RunningServer running = ShuttleServers.mount(transport, server, host, 0)) {
            int port = running.port();
            System.out.printf(Locale.ROOT, "soak: transport=%s port=%d java=%s options: writeStallTimeout=%ds, other defaults;"
                    + " Jetty thread idle timeout %ds%n", transport, port, Runtime.version(), writeStallSeconds, containerIdleSeconds);
            System.out.println("soak: tolerance after each phase vs the baseline: " + TOLERANCE
                    + "; header-only heap growth < " + HEADER_ONLY_HEAP_BOUND_MIB + " MiB");
            // Warm-up: every phase small, so class loading, JIT and pools are in the baseline, not in phase 1.
            for (Phase p : run) {
                Children warm = Children.start(p, host, port, WARM_UP_CONNECTIONS, perChild, childFdLimit);
                try (warm) {
                    warm.awaitReady();
                    if (p.serverDropsHeldPeers()) {
                        awaitOpen(0, Duration.ofSeconds(settleSeconds));
                    }
                    warm.end();
                }
            }
            awaitOpen(0, Duration.ofSeconds(settleSeconds));
            closes.clear();
            Figures baseline = quietBaseline();
            System.out.println("baseline " + baseline + " (the lowest of 5 measurements 1 s apart, after a warm-up of every phase at "
                    + WARM_UP_CONNECTIONS + " connections)");
            for (Phase p : run) {
                runPhase(p, p == Phase.HEADER_ONLY ? headerOnly : phaseSize(p), port, baseline);
            }
        }
        System.out.println(failures == 0 ? "soak: PASS" : "soak: FAIL (" + failures + " checks failed)");
        return failures == 0 ? 0 : 1;
    }

    private int phaseSize(Phase p) {
        return switch (p) {
            case SLOW_CONSUMER -> Math.min(100, Math.max(1, connections / 30)); // each may hold a 4 MiB queue
            case PING_FLOOD -> Math.min(500, Math.max(1, connections / 4));
            default -> connections;
        };
    }

    private void runPhase(Phase phase, int n, int port, Figures baseline) throws Exception {
        closes.clear();
        Figures before = Figures.measure(true, open.get());
        Sampler sampler = new Sampler();
        long started = System.nanoTime();
        Children children = Children.start(phase, host, port, n, perChild, childFdLimit);
        System.out.printf(Locale.ROOT, "phase %s: %d connections from %d client processes%n", phase.label, n, children.count());
        System.out.println("  before  " + before);
        try (children) {
            Children.Ready ready = children.awaitReady();
            Figures held = Figures.measure(true, open.get());
            String echoHeld = freshEcho(port);
            System.out.printf(Locale.ROOT, "  held    %s  (%d peers held, %d failed%s, set up in %.1f s) fresh echo: %s%n", held,
                    ready.held(), ready.failed(), ready.firstFailure() == null ? "" : ", first: " + ready.firstFailure(),
                    seconds(started), echoHeld);
            check(echoHeld.equals("ok"), "a fresh client echoes while the phase's peers are held");
            if (phase == Phase.CHURN) {
                check(ready.failed() == 0, "every churn connection upgraded and echoed");
            }
            if (phase == Phase.HEADER_ONLY) {
                double grown = Figures.mib(held.heapBytes() - baseline.heapBytes());
                System.out.printf(Locale.ROOT, "  header-only: heap after GC grew by %.1f MiB for %d connections (%.2f KiB each; bound %d MiB)%n",
                        grown, ready.held(), grown * 1024 / Math.max(1, ready.held()), HEADER_ONLY_HEAP_BOUND_MIB);
                check(ready.held() == n, "all " + n + " header-only connections were set up");
                check(grown < HEADER_ONLY_HEAP_BOUND_MIB, "header-only heap growth under " + HEADER_ONLY_HEAP_BOUND_MIB + " MiB");
            }
            if (phase.serverDropsHeldPeers()) {
                long waitFrom = System.nanoTime();
                boolean dropped = awaitOpen(0, Duration.ofSeconds(settleSeconds));
                System.out.printf(Locale.ROOT, "  the server dropped its stalled peers in %.1f s after they were set up: %s%n",
                        seconds(waitFrom), dropped ? "all" : open.get() + " still open");
                AtomicInteger stalled = closes.get(STALLED);
                check(dropped && stalled != null && stalled.get() == n, "the write-stall timeout drops every slow consumer");
            }
            children.end();
        }
        Figures peak = sampler.stop();
        long settleFrom = System.nanoTime();
        Figures after = settle(baseline);
        String echoAfter = freshEcho(port);
        System.out.println("  peak    " + peak + "  (sampled every 250 ms, heap without GC)");
        System.out.printf(Locale.ROOT, "  after   %s  (settled in %.1f s) fresh echo: %s%n", after, seconds(settleFrom), echoAfter);
        System.out.println("  server closes: " + new java.util.TreeMap<>(closes));
        String over = TOLERANCE.check(baseline, after);
        System.out.println("  vs baseline: " + after.delta(baseline) + (over.isEmpty() ? "  -> back to baseline" : "  -> NOT back:" + over));
        check(over.isEmpty(), phase.label + " figures back to baseline");
        check(echoAfter.equals("ok"), "a fresh client echoes after " + phase.label);
    }

    /** Each figure's lowest of five measurements a second apart: the heap shrinks and RSS follows a little after a full GC. */
    private Figures quietBaseline() throws InterruptedException {
        Figures low = Figures.measure(true, open.get());
        for (int i = 1; i < 5; i++) {
            Thread.sleep(1000);
            low = low.min(Figures.measure(true, open.get()));
        }
        return low;
    }

    /** Measures (with GC) once a second until the figures are within tolerance or the settle time is up. */
    private Figures settle(Figures baseline) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
        while (true) {
            Figures now = Figures.measure(true, open.get());
            if (TOLERANCE.check(baseline, now).isEmpty() || System.nanoTime() - deadline > 0) {
                return now;
            }
            Thread.sleep(1000);
        }
    }

    private boolean awaitOpen(int want, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (open.get() > want) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** A new client from this process: upgrade, echo, close handshake. "ok" or what went wrong. */
    private String freshEcho(int port) {
        try (SoakSocket s = SoakSocket.connect(host, port, 0).upgrade()) {
            s.echo("fresh " + System.nanoTime());
            s.closeHandshake();
            return "ok";
        } catch (Exception e) {
            return "FAILED " + e;
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures++;
            System.out.println("  CHECK FAILED: " + what);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Samples the figures (heap without GC) every 250 ms on a daemon thread and keeps the peak. */
    private final class Sampler {
        private final AtomicReference<Figures> peak = new AtomicReference<>(Figures.measure(false, open.get()));
        private final Thread thread = Thread.ofPlatform().daemon().name("soak-sampler").start(this::run);

        private void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(250);
                    Figures now = Figures.measure(false, open.get());
                    peak.updateAndGet(p -> p.max(now));
                }
            } catch (InterruptedException stopped) {
                // the phase is over
            }
        }

        Figures stop() throws InterruptedException {
            thread.interrupt();
            thread.join();
            return peak.get();
        }
    }
}
