package dev.shuttle.websocket.bridge.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits, bounded, for a condition. */
public final class Eventually {
    /** The bound on every wait. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Eventually() {
    }

    /**
     * Waits until the condition holds, or fails.
     *
     * @param condition the condition
     * @param what what is awaited, for the failure
     */
    public static void eventually(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + DEADLINE.toSeconds() + " s: " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
