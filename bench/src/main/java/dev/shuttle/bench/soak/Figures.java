package dev.shuttle.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the soak run watches in its own process (the server's): open file descriptors
 * ({@code /proc/self/fd}), OS threads and RSS ({@code /proc/self/status}: {@code Threads},
 * {@code VmRSS}), heap in use (after a full GC when asked), and the server's open WebSocket
 * connections.
 */
record Figures(long fds, long threads, long heapBytes, long rssBytes, int open) {
    private static final long MIB = 1024 * 1024;

    /** Now; {@code gc}: heap after two full collections (live data), otherwise heap as it is. */
    static Figures measure(boolean gc, int open) {
        if (gc) {
            System.gc();
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long fds;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.count() - 1; // less the descriptor of this listing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long threads = 0;
        long rss = 0;
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : status) {
                if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.substring(8).trim());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Figures(fds, threads, heap, rss, open);
    }

    /** The larger of each figure: the peak seen while sampling. */
    Figures max(Figures o) {
        return new Figures(Math.max(fds, o.fds), Math.max(threads, o.threads), Math.max(heapBytes, o.heapBytes),
                Math.max(rssBytes, o.rssBytes), Math.max(open, o.open));
    }

    /** The smaller of each figure. */
    Figures min(Figures o) {
        return new Figures(Math.min(fds, o.fds), Math.min(threads, o.threads), Math.min(heapBytes, o.heapBytes),
                Math.min(rssBytes, o.rssBytes), Math.min(open, o.open));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "fds=%d threads=%d heap=%.1fMiB rss=%.1fMiB open=%d", fds, threads, mib(heapBytes),
                mib(rssBytes), open);
    }

    static double mib(long bytes) {
        return bytes / (double) MIB;
    }

    /** How far "after" may stand above the baseline and still count as back to it. */
    record Tolerance(long fds, long threads, long heapMiB, long rssMiB) {
        /** The failures of {@code after} against {@code base}, empty when all are within tolerance. */
        String check(Figures base, Figures after) {
            StringBuilder bad = new StringBuilder();
            over(bad, "fds", after.fds - base.fds, fds);
            over(bad, "threads", after.threads - base.threads, threads);
            over(bad, "heap MiB", Math.round(mib(after.heapBytes - base.heapBytes)), heapMiB);
            over(bad, "rss MiB", Math.round(mib(after.rssBytes - base.rssBytes)), rssMiB);
            if (after.open != 0) {
                bad.append(" open connections ").append(after.open).append(" (want 0);");
            }
            return bad.toString();
        }

        private static void over(StringBuilder bad, String what, long grown, long allowed) {
            if (grown > allowed) {
                bad.append(' ').append(what).append(" +").append(grown).append(" (allowed +").append(allowed).append(");");
            }
        }

        @Override
        public String toString() {
            return "fds +" + fds + ", threads +" + threads + ", heap +" + heapMiB + " MiB, rss +" + rssMiB + " MiB, 0 open connections";
        }
    }

    /** "+N" / "-N" of each figure against {@code base}, for the report. */
    String delta(Figures base) {
        return String.format(Locale.ROOT, "fds %+d threads %+d heap %+.1fMiB rss %+.1fMiB", fds - base.fds, threads - base.threads,
                mib(heapBytes - base.heapBytes), mib(rssBytes - base.rssBytes));
    }
}
