package dev.shuttle.examples;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task at a fixed rate on one virtual thread until closed. A task that throws is logged
 * and the schedule goes on (a plain ScheduledExecutorService would silently stop repeating).
 */
final class Ticker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Ticker.class.getName());

    private final ScheduledExecutorService executor;

    Ticker(String name, Duration period, Runnable task) {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(name).factory());
        long millis = period.toMillis();
        executor.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, name + " failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Cancels the schedule and waits briefly for a run in progress; idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
