package dev.shuttle.examples.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.shuttle.examples.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README, echo-chamber, Memory, as a test: the {@code echo-chamber} command in a child JVM with
 * {@code -Xmx256m}, attacked from here by {@link ChamberAttack} (1,000 connections in 50
 * chambers that never read, each starting a 60 KiB message to all the others and trickling
 * 1-byte fragments). While the attack holds, the child's live heap stays within the documented
 * bound, it never runs out of memory and a new client is still served; once the attackers are
 * gone, every member has left and the live heap is back near where it started.
 * <p>
 * Live heap is what {@code jcmd <pid> GC.class_histogram} totals: the bytes of the objects that
 * survived the full GC the command forces, on any collector, without the child's help. Nothing
 * here is timed: each step waits for what the child logs or for its sockets, with a deadline.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoChamberMemoryTest {
    private static final int CHAMBERS = 50;
    private static final int MEMBERS = 20;
    private static final int ATTACKERS = CHAMBERS * MEMBERS;
    private static final long MIB = 1024 * 1024;
    /** How far above its starting point the live heap may stay once the attack is over. */
    private static final long AFTER_ALLOWANCE = 16 * MIB;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Child child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.close();
        }
    }

    /**
     * The README's bound for one connection in the {@code /} hall with the default settings:
     * {@code --max-message-size} twice (the message being joined, and the copy of the frame
     * being relayed), HEADERS_MAX_LENGTH, MAX_QUEUE_DATA plus about 100 bytes for each of
     * MAX_QUEUE_ITEMS + 1 waiting frames, and {@code --max-write-buffer} plus one frame (of up
     * to {@code --max-message-size}): 2 × 65,536 + 1,024 + 16,384 + 100 × 1,025 + 65,536 +
     * 65,536 = 382,052 bytes, the README's "about 373 KiB".
     */
    static long perConnectionBound() {
        HallSpec root = HallSpec.REFERENCE_HALLS.get(1);
        assertEquals("/", root.prefix());
        long message = EchoChamberServer.Builder.DEFAULT_MAX_MESSAGE_SIZE;
        return 2 * message + root.headersMaxLength() + root.maxQueueData() + 100L * (root.maxQueueItems() + 1)
                + EchoChamberServer.Builder.DEFAULT_MAX_OUTBOUND + message;
    }

    @Test
    void liveHeapStaysWithinTheBoundUnderAttackAndComesBackAfter() throws Exception {
        child = Child.start();
        int port = child.port();
        served(port, "/before"); // loads what serving a client needs before the baseline
        child.await("every member gone", () -> child.members() == 0);
        long baseline = child.liveHeap();
        int sockets = child.sockets();

        // The documented bound for every connection there will be (the attackers and one new
        // client), over what the server held before; with 1,001 connections it is above -Xmx256m,
        // so an OutOfMemoryError (the child exits: -XX:+ExitOnOutOfMemoryError) would break it first.
        long bound = baseline + (ATTACKERS + 1) * perConnectionBound();
        List<Long> during = new ArrayList<>();
        try (ChamberAttack attack = ChamberAttack.connect(port, CHAMBERS, MEMBERS)) {
            child.await("all " + ATTACKERS + " attackers in their chambers", () -> child.added() >= ATTACKERS + 1);
            attack.startMessages();
            during.add(child.liveHeap());
            attack.trickle(100);
            during.add(child.liveHeap());
            child.assertHealthy();
            served(port, "/during");
            during.add(child.liveHeap());
            child.assertHealthy();
        }
        long peak = during.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(peak < bound, "live heap " + mib(peak) + " under attack, documented bound " + mib(bound));

        child.await("every member gone", () -> child.members() == 0);
        if (sockets >= 0) {
            child.await("the child's sockets back to " + sockets, () -> child.sockets() <= sockets);
        }
        long[] after = {child.liveHeap()};
        child.await("live heap back under " + mib(baseline + AFTER_ALLOWANCE), () -> {
            if (after[0] >= baseline + AFTER_ALLOWANCE) {
                after[0] = child.liveHeap();
            }
            return after[0] < baseline + AFTER_ALLOWANCE;
        });
        served(port, "/after");
        child.assertHealthy();
        System.out.printf("echo-chamber under attack: %d connections (%d closed with 1008 by the server), %d sockets"
                        + " in the child before and after, live heap %s before, %s during (peak %s, bound %s), %s after%n",
                ATTACKERS, child.tooSlow(), sockets, mib(baseline), during.stream().map(EchoChamberMemoryTest::mib).toList(),
                mib(peak), mib(bound), mib(after[0]));
    }

    /** A new client joins {@code chamber} alone ({@code I0}) and hears its own message back. */
    private void served(int port, String chamber) throws IOException {
        try (RawClient c = RawClient.connect(port, chamber)) {
            assertEquals(101, c.status, "upgrade of a new client");
            assertEquals("I0", c.nextText());
            c.text("T**\nstill served");
            assertEquals("F0\nstill served", c.nextText());
            c.closeFrame(1000);
            assertTrue(c.next().isClose(), "close handshake");
        } catch (IOException | AssertionError e) {
            child.diagnose();
            throw e;
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }

    /**
     * {@code java -Xmx256m -XX:+ExitOnOutOfMemoryError … Main echo-chamber 0 --host 127.0.0.1}
     * with this JVM's java and class path. Its output is read as it comes (so the child never
     * blocks on a full pipe): the port, members added and removed, and any OutOfMemoryError.
     */
    static final class Child implements AutoCloseable {
        private static final Pattern AVAILABLE = Pattern.compile("Available at ws://[^:]+:(\\d+)/");
        private static final Pattern ADDED = Pattern.compile("\\]: Added \\S+ as \\d+$");
        private static final Pattern REMOVED = Pattern.compile("\\]: Removed \\d+$");

        private final Process process;
        private final CompletableFuture<Integer> port = new CompletableFuture<>();
        private final AtomicInteger added = new AtomicInteger();
        private final AtomicInteger removed = new AtomicInteger();
        private final AtomicInteger tooSlow = new AtomicInteger();
        private final AtomicInteger outOfMemory = new AtomicInteger();
        /** The last lines printed, for failure messages; guarded by itself. */
        private final ArrayDeque<String> tail = new ArrayDeque<>();

        private Child(Process process) {
            this.process = process;
        }

        static Child start() throws IOException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "echo-chamber", "0", "--host", "127.0.0.1").start();
            Child child = new Child(p);
            child.drain(p.getInputStream(), "out");
            child.drain(p.getErrorStream(), "err");
            return child;
        }

        private void drain(InputStream stream, String name) {
            Thread.ofPlatform().daemon().name("echo-chamber-" + name).start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        read(line);
                    }
                } catch (IOException e) {
                    read("(" + name + " unreadable: " + e + ")");
                } finally {
                    port.completeExceptionally(new AssertionError("the child ended before listening:\n" + tail()));
                }
            });
        }

        private void read(String line) {
            Matcher m = AVAILABLE.matcher(line);
            if (m.find()) {
                port.complete(Integer.parseInt(m.group(1)));
            } else if (ADDED.matcher(line).find()) {
                added.incrementAndGet();
            } else if (REMOVED.matcher(line).find()) {
                removed.incrementAndGet();
            } else if (line.contains("Too slow")) {
                tooSlow.incrementAndGet();
            }
            if (line.contains("OutOfMemoryError")) {
                outOfMemory.incrementAndGet();
            }
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > 40) {
                    tail.removeFirst();
                }
            }
        }

        private String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }

        int port() throws Exception {
            return port.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        /** Members that joined a chamber so far. */
        int added() {
            return added.get();
        }

        /** Members in a chamber now. */
        int members() {
            return added.get() - removed.get();
        }

        /** Members closed with 1008 for not reading, so far. */
        int tooSlow() {
            return tooSlow.get();
        }

        /** Alive, and no OutOfMemoryError printed. */
        void assertHealthy() {
            assertEquals(0, outOfMemory.get(), () -> "OutOfMemoryError in the child:\n" + tail());
            assertTrue(process.isAlive(), () -> "the child exited:\n" + tail());
        }

        /**
         * After something failed that the child's death would explain (a reset, no histogram):
         * fails with that if the child is ending, else returns (at most a few seconds later).
         */
        void diagnose() {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertHealthy();
        }

        /** Waits until {@code condition} holds, failing after {@link #DEADLINE} or if the child is not healthy. */
        void await(String what, BooleanSupplier condition) throws InterruptedException {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!condition.getAsBoolean()) {
                assertHealthy();
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what + " (members "
                            + members() + ", sockets " + sockets() + ")\n" + tail());
                }
                Thread.sleep(50);
            }
        }

        /**
         * Bytes of the objects alive after a full GC: the last line of {@code jcmd <pid>
         * GC.class_histogram}, less the collector's filler objects (padding of unused space,
         * which nobody holds).
         */
        long liveHeap() {
            assertHealthy();
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            try {
                Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
                        .redirectErrorStream(true).start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("jcmd did not end");
                }
                long filler = 0;
                for (String line : out.split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f[0].equals("Total")) {
                        return Long.parseLong(f[f.length - 1]) - filler;
                    }
                    if (f.length >= 4 && f[3].startsWith("jdk.internal.vm.Filler")) {
                        filler += Long.parseLong(f[2]);
                    }
                }
                diagnose();
                throw new AssertionError("jcmd printed no total: " + out.lines().limit(5).toList());
            } catch (IOException e) {
                throw new AssertionError("cannot run " + jcmd, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The child's open sockets (the listener's among them), from /proc; -1 where there is no /proc. */
        int sockets() {
            Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
            if (!Files.isDirectory(fds)) {
                return -1;
            }
            int n = 0;
            try (Stream<Path> list = Files.list(fds)) {
                for (Path fd : (Iterable<Path>) list::iterator) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                            n++;
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return n;
        }

        /** Kills the child and waits for it. */
        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
