package dev.shuttle.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The server's memory as seen from outside, so any server can be measured without its help:
 * resident set size from {@code /proc/<pid>/status} (VmRSS now, VmHWM at its peak), and live
 * heap from {@code jcmd <pid> GC.class_histogram}, whose last line totals the bytes of every
 * object that survived the full GC the command forces. That works on every collector and needs
 * only the JDK the load generator itself runs on.
 */
final class ServerStats {
    record Sample(long rssKb, long hwmKb, long liveHeapBytes) {
    }

    private ServerStats() {
    }

    /** Live heap first (its full GC may give memory back), then RSS. Fields are -1 when unreadable. */
    static Sample sample(long pid, boolean withHeap) {
        long heap = withHeap ? liveHeap(pid) : -1;
        long rss = -1;
        long hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
        } catch (IOException e) {
            System.err.println("cannot read /proc/" + pid + "/status: " + e);
        }
        return new Sample(rss, hwm, heap);
    }

    /** CPU time (user + system) the process used so far, in nanoseconds, from /proc/<pid>/stat; -1 if unreadable. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime, stime (fields 14, 15)
            return ticks * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ: 100 on every Linux we run on (getconf CLK_TCK). */
    private static final long CLOCK_TICKS = 100;

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private static long liveHeap(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            // Last line: "Total <instances> <bytes>". Filler arrays and objects
            // (jdk.internal.vm.FillerElement, FillerObject) are the GC's padding of unused heap
            // space, not objects anybody holds: left out.
            long filler = 0;
            for (String line : out.split("\n")) {
                String t = line.trim();
                String[] f = t.split("\\s+");
                if (t.startsWith("Total")) {
                    return Long.parseLong(f[f.length - 1]) - filler;
                }
                if (f.length >= 4 && t.contains("jdk.internal.vm.Filler")) {
                    filler += Long.parseLong(f[2]);
                }
            }
            System.err.println("jcmd printed no total: " + out.lines().limit(3).toList());
        } catch (IOException e) {
            System.err.println("jcmd failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
