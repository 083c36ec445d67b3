package dev.shuttle.examples.broadcaster;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** A PrintStream whose lines a test waits for (log lines come from the connections' threads). */
final class CapturedOutput {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    List<String> lines() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Waits until the lines satisfy the condition (no event announces a log line); the deadline only bounds a failure. */
    List<String> await(Predicate<List<String>> condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> lines = lines();
            if (condition.test(lines)) {
                return lines;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what + "; output: " + lines);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    List<String> awaitLine(String line) {
        return await(l -> l.contains(line), "the line '" + line + "'");
    }
}
