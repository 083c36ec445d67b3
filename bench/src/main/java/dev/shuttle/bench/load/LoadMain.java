package dev.shuttle.bench.load;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.HdrHistogram.Histogram;

import dev.shuttle.bench.Args;

/**
 * {@code load --scenario echo-open|echo-closed|broadcast|idle ...}: opens the connections, runs
 * a warm-up and a measured window (or, for idle, measures the server's memory) and prints a
 * human summary plus one machine-readable line, {@code RESULT key=value ...}, for run.sh.
 * Exits with 1 when nothing was measured (no connection opened, or no message came back), so a
 * broken server or client cannot pass as a slow one.
 */
public final class LoadMain {
    private LoadMain() {
    }

    public static void run(Args args) throws Exception {
        int code = run(args, System.out);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one scenario; returns the exit code. */
    public static int run(Args args, java.io.PrintStream out) throws Exception {
        String name = args.string("scenario", "echo-open");
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8080);
        String path = args.string("path", "/");
        int connections = args.integer("connections", 100);
        int size = (int) args.size("size", 22);
        double rate = args.decimal("rate", 0);
        int window = args.integer("window", 32);
        double warmup = args.decimal("warmup", 5);
        double duration = args.decimal("duration", 10);
        double settle = args.decimal("settle", 3);
        int threads = args.integer("threads", 1);
        long pid = args.longValue("pid", 0);
        boolean text = args.flag("text");
        double connectTimeout = args.decimal("connect-timeout", 60);
        // Idle: also measure at these smaller counts first (comma-separated), in the same server,
        // so the cost per connection can be read as a slope that leaves out one-off growth.
        String steps = args.string("steps", "");
        // Echo-open: sample the server's live heap at the end of the flood (a full GC in the server).
        boolean floodHeap = args.flag("flood-heap");
        args.checkAllUsed();
        boolean idle = name.equals("idle");
        // The broadcast publisher is an extra connection: C subscribers plus one.
        int total = name.equals("broadcast") ? connections + 1 : connections;

        ServerStats.Sample before = idle && pid > 0 ? ServerStats.sample(pid, true) : null;
        Control control = new Control();
        InetSocketAddress address = new InetSocketAddress(host, port);
        List<IoLoop> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            loops.add(new IoLoop(address, path, scenario(name, size, rate, window, text), control));
        }
        for (int i = 0; i < total; i++) {
            IoLoop loop = loops.get(i % threads);
            loop.add(new Conn(i, ThreadLocalRandom.current().nextInt(), loop.scenario().wantStamp()));
        }
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().name("load-" + t).start(loops.get(t)));
        }

        List<int[]> stepSamples = new ArrayList<>();   // {count, rssKb, heapKb}
        if (idle && pid > 0 && !steps.isBlank()) {
            for (String step : steps.split(",")) {
                int n = Integer.parseInt(step.trim());
                if (n >= total) {
                    continue;
                }
                control.connectLimit = n;
                awaitConnected(control, n, connectTimeout);
                Thread.sleep((long) (settle * 1000));
                ServerStats.Sample s = ServerStats.sample(pid, true);
                stepSamples.add(new int[] {control.opened.get(), (int) s.rssKb(), (int) (s.liveHeapBytes() / 1024)});
                out.printf(Locale.ROOT, "idle: %d open: server RSS %.1f MB, live heap %.1f MB%n", control.opened.get(),
                        s.rssKb() / 1024.0, s.liveHeapBytes() / 1048576.0);
            }
        }
        control.connectLimit = Integer.MAX_VALUE;
        awaitConnected(control, total, connectTimeout);
        int opened = control.opened.get();
        out.printf(Locale.ROOT, "%s: %d of %d connections open, %d failed%s%n", name, opened, total,
                control.failed.get(), control.firstError.get() == null ? "" : " (" + control.firstError.get() + ")");
        if (opened == 0 || name.equals("broadcast") && opened < 2) {
            stop(control, running);
            out.println("RESULT scenario=" + name + " error=no-connections");
            return 1;
        }

        ServerStats.Sample after = null;
        double serverCpu = -1;
        if (idle) {
            Thread.sleep((long) (settle * 1000));
            after = pid > 0 ? ServerStats.sample(pid, true) : null;
            control.phase = Control.MEASURE;
        } else {
            control.phase = Control.WARMUP;
            Thread.sleep((long) (warmup * 1000));
            long cpu0 = pid > 0 ? ServerStats.cpuNanos(pid) : -1;
            long t0 = System.nanoTime();
            control.phase = Control.MEASURE;
            Thread.sleep((long) (duration * 1000));
            long cpu1 = pid > 0 ? ServerStats.cpuNanos(pid) : -1;
            serverCpu = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / (double) (System.nanoTime() - t0) : -1;
        }
        // Under the open-loop flood, while it still runs: what the server really holds (live heap
        // after a full GC: queued frames and everything else reachable), apart from RSS, which
        // also carries the collector's headroom.
        ServerStats.Sample flood = name.equals("echo-open") && pid > 0 && floodHeap
                ? ServerStats.sample(pid, true) : null;
        stop(control, running);
        ServerStats.Sample end = !idle && pid > 0 ? ServerStats.sample(pid, false) : null;

        long messages = 0;
        long bytes = 0;
        double seconds = 0;
        double loadCpu = 0;
        Histogram latency = new Histogram(3);
        for (IoLoop l : loops) {
            messages += l.scenario().messages;
            bytes += l.scenario().bytes;
            latency.add(l.scenario().latency);
            seconds = Math.max(seconds, (l.measureEnd - l.measureStart) / 1e9);
            loadCpu += (l.cpuEnd - l.cpuStart) / (double) Math.max(1, l.measureEnd - l.measureStart);
        }
        StringBuilder r = new StringBuilder("RESULT scenario=" + name + " connections=" + connections
                + " size=" + size + " opened=" + opened + " failed=" + control.failed.get() + " lost=" + control.lost.get());
        if (!idle) {
            double perSecond = messages / seconds;
            r.append(String.format(Locale.ROOT, " msgs_per_s=%.0f mb_per_s=%.2f", perSecond, bytes / seconds / 1e6));
            out.printf(Locale.ROOT, "%s: %.0f msg/s, %.2f MB/s payload over %.1f s%n", name, perSecond, bytes / seconds / 1e6, seconds);
            // Busy fractions of a core: a generator near 1.0 means the figure is the generator's limit.
            r.append(String.format(Locale.ROOT, " load_cpu=%.2f server_cpu=%.2f", loadCpu, serverCpu));
            if (latency.getTotalCount() > 0) {
                r.append(String.format(Locale.ROOT, " p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f",
                        latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                        latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3));
            }
            if (end != null) {
                r.append(String.format(Locale.ROOT, " server_rss_mb=%.1f server_peak_rss_mb=%.1f", end.rssKb() / 1024.0, end.hwmKb() / 1024.0));
            }
            if (flood != null && flood.liveHeapBytes() >= 0) {
                r.append(String.format(Locale.ROOT, " flood_live_heap_mb=%.1f flood_rss_mb=%.1f",
                        flood.liveHeapBytes() / 1048576.0, flood.rssKb() / 1024.0));
            }
        } else if (before != null && after != null) {
            r.append(String.format(Locale.ROOT, " rss_per_conn_kb=%.2f heap_per_conn_kb=%.2f server_rss_mb=%.1f",
                    (after.rssKb() - before.rssKb()) / (double) opened,
                    (after.liveHeapBytes() - before.liveHeapBytes()) / 1024.0 / opened, after.rssKb() / 1024.0));
        }
        if (idle && after != null && !stepSamples.isEmpty()) {
            // The slope from the first step to the end: what one more idle connection costs.
            int[] first = stepSamples.get(0);
            int more = opened - first[0];
            if (more > 0) {
                r.append(String.format(Locale.ROOT, " slope_from=%d rss_slope_kb=%.2f heap_slope_kb=%.2f", first[0],
                        (after.rssKb() - first[1]) / (double) more, (after.liveHeapBytes() / 1024.0 - first[2]) / more));
            }
            for (int[] st : stepSamples) {
                r.append(String.format(Locale.ROOT, " rss_per_conn_kb_at_%d=%.2f heap_per_conn_kb_at_%d=%.2f", st[0],
                        (st[1] - before.rssKb()) / (double) st[0], st[0], (st[2] - before.liveHeapBytes() / 1024.0) / st[0]));
            }
        }
        out.println(r);
        if (!idle && messages == 0) {
            out.println(name + ": nothing came back: " + control.firstError.get());
            return 1;
        }
        return 0;
    }

    private static void awaitConnected(Control control, int count, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (control.opened.get() + control.failed.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static Scenario scenario(String name, int size, double rate, int window, boolean text) {
        return switch (name) {
            case "echo-open" -> new Scenarios.EchoOpen(size, rate, text);
            case "echo-closed" -> new Scenarios.EchoClosed(size, text);
            case "broadcast" -> new Scenarios.Broadcast(size, window, rate, text);
            case "idle" -> new Scenarios.Idle();
            default -> throw new IllegalArgumentException("--scenario must be echo-open, echo-closed, broadcast or idle: " + name);
        };
    }

    private static void stop(Control control, List<Thread> running) throws InterruptedException {
        control.phase = Control.DONE;
        for (Thread t : running) {
            t.join();
        }
    }
}
