package dev.shuttle.bench.scaleout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketClient;

/**
 * One row: fresh instances of a setup, {@code members} clients joined to one room, open-loop
 * publishers at a total rate, then a drain until nothing more arrives; every figure comes from
 * the receivers except the CPU shares and the servers' own drop counters.
 */
final class Point {
    static final String ROOM = "/scaleout";
    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** The drain ends when no delivery arrived for this long ... */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** ... or after this, whatever still comes. */
    private static final long DRAIN_MAX_NANOS = TimeUnit.SECONDS.toNanos(15);

    /**
     * The figures of one row.
     *
     * @param sent messages published
     * @param expected deliveries expected (every message to every member but its publisher)
     * @param deliveriesPerSecond deliveries that arrived in the window, per second
     * @param p50 delivery latency of the window's messages, nanoseconds; also p99, max
     * @param lost expected deliveries never seen
     * @param duplicates deliveries seen more than once
     * @param serverDrops what the hubs, bridges and histories counted as dropped or lost
     * @param refused messages the publishing clients' own queues refused
     * @param jvmCpu this process (servers, bridges and clients) in the window, cores
     * @param brokerCpu the broker process in the window, cores
     */
    record Result(Setup setup, int rate, long sent, long expected, double deliveriesPerSecond,
                  long p50, long p99, long max, long lost, long duplicates, long malformed,
                  long serverDrops, long refused, double jvmCpu, double brokerCpu) {
    }

    private Point() {
    }

    static Result run(Setup setup, int rate, Settings s) throws Exception {
        try (Broker broker = setup == Setup.NATS ? Broker.nats() : setup.needsRedis() ? Broker.redis() : null;
             Instances instances = Instances.start(setup, broker)) {
            List<Receiver> receivers = new ArrayList<>();
            List<WebSocket> connections = new ArrayList<>();
            try {
                for (int m = 0; m < s.members(); m++) {
                    Receiver r = new Receiver(s.publishers());
                    WebSocketClient client = WebSocketClient.builder().onData((c, binary, data) -> r.received(data)).build();
                    receivers.add(r);
                    connections.add(client.connect(instances.uri(m % instances.size(), ROOM)));
                }
                awaitReady(instances, s.members());
                return measure(setup, rate, s, broker, instances, receivers, connections);
            } finally {
                for (WebSocket c : connections) {
                    c.close();
                }
            }
        }
    }

    private static void awaitReady(Instances instances, int members) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (instances.members(ROOM) < members || !instances.ready(ROOM)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instances did not all join the room and their broker within 15 s");
            }
            Thread.sleep(20);
        }
    }

    private static Result measure(Setup setup, int rate, Settings s, Broker broker, Instances instances,
                                  List<Receiver> receivers, List<WebSocket> connections) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) * s.publishers() / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long windowStart = start + TimeUnit.SECONDS.toNanos(s.warmupSeconds());
        long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(s.seconds());
        for (Receiver r : receivers) {
            r.window(windowStart, windowEnd);
        }
        List<Publisher> publishers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < s.publishers(); p++) {
            // Staggered, so the publishers do not all send at the same instant.
            Publisher pub = new Publisher(connections.get(p), p, start + interval * p / s.publishers(), interval,
                    windowEnd, s.size());
            publishers.add(pub);
            threads.add(Thread.ofPlatform().name("publisher-" + p).start(pub));
        }
        sleepUntil(windowStart);
        long jvm0 = jvmCpuNanos();
        long broker0 = broker == null ? 0 : broker.cpuNanos();
        sleepUntil(windowEnd);
        long jvm1 = jvmCpuNanos();
        long broker1 = broker == null ? 0 : broker.cpuNanos();
        for (Thread t : threads) {
            t.join();
        }
        drain(receivers);

        long[] sent = new long[s.publishers()];
        long refused = 0;
        for (int p = 0; p < sent.length; p++) {
            sent[p] = publishers.get(p).sent();
            refused += publishers.get(p).refused();
        }
        Receiver.Tally t = new Receiver.Tally();
        for (int m = 0; m < receivers.size(); m++) {
            receivers.get(m).addTo(t, sent, m < sent.length ? m : -1);
        }
        double window = windowEnd - windowStart;
        long total = 0;
        for (long n : sent) {
            total += n;
        }
        return new Result(setup, rate, total, t.expected, t.inWindow / (window / 1e9),
                t.latency.getValueAtPercentile(50), t.latency.getValueAtPercentile(99), t.latency.getMaxValue(),
                t.lost, t.duplicates, t.malformed, instances.serverDrops(ROOM), refused,
                (jvm1 - jvm0) / window, (broker1 - broker0) / window);
    }

    /** Waits until no delivery arrived for {@link #QUIET_NANOS}, at most {@link #DRAIN_MAX_NANOS}. */
    private static void drain(List<Receiver> receivers) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_MAX_NANOS;
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long n = 0;
            for (Receiver r : receivers) {
                n += r.total();
            }
            if (n != last) {
                last = n;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET_NANOS) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
