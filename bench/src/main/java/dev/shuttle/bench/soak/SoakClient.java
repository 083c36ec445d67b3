package dev.shuttle.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A client process of the soak run (started by {@link SoakCommand}, one or more per phase): it
 * opens its share of the phase's connections, prints {@code READY held=N failed=F}, waits for
 * {@code END} on standard input, resets every peer it still holds, prints {@code DONE} and exits.
 * It also exits, resetting everything, when its input ends (the soak process died) or after
 * {@code --max-seconds}, so it can never outlive the run.
 */
@Command(name = "soak-client", hidden = true, description = "one client process of the soak run (started by soak)")
public final class SoakClient implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--phase", required = true)
    String phase;

    @Option(names = "--connections", required = true)
    int connections;

    @Option(names = "--concurrency", defaultValue = "200", description = "connections being set up at once")
    int concurrency;

    @Option(names = "--max-seconds", defaultValue = "600", description = "exit by then whatever happens")
    int maxSeconds;

    @Override
    public Integer call() throws Exception {
        Phase p = Phase.parse(phase);
        Thread deadline = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
                System.err.println("soak-client: " + maxSeconds + " s passed, exiting");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException done) {
                // ended normally
            }
        });
        Queue<SoakSocket> held = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                permits.acquire();
                int n = i;
                threads.execute(() -> {
                    try {
                        p.step(n, host, port, held);
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    } finally {
                        permits.release();
                    }
                });
            }
        } // waits for every step
        String why = firstFailure.get() == null ? "" : " first=" + firstFailure.get().replace(' ', '_');
        System.out.println("READY held=" + held.size() + " failed=" + failed.get() + why);
        System.out.flush();
        awaitEnd();
        int reset = 0;
        for (SoakSocket s; (s = held.poll()) != null; reset++) {
            s.reset();
        }
        System.out.println("DONE reset=" + reset);
        System.out.flush();
        deadline.interrupt();
        return 0;
    }

    /** Blocks until a line {@code END} or the end of standard input. */
    private static void awaitEnd() throws IOException {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = stdin.readLine()) != null; ) {
            if (line.trim().equals("END")) {
                return;
            }
        }
    }
}
