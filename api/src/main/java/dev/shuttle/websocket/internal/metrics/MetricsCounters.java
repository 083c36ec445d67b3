package dev.shuttle.websocket.internal.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import dev.shuttle.websocket.WebSocketServer;

/**
 * The counters behind {@code ShuttleMetrics}, written by the engine. Every method on the message
 * path is a {@link LongAdder} add or an {@link AtomicLongArray} increment at a fixed index: no
 * lock, no allocation. Rare events (a status or close code seen for the first time, a new drop
 * reason) tell the series listeners, so that a registry binding meters per label learns of it.
 * <p>Threads: any; the engine calls in from readers, writers and timers.
 */
public final class MetricsCounters {
    /** Drops by the connection's overflow policy: DROP, or a continuation of a message DROP refused. */
    public static final int DROP_QUEUE_FULL = 0;
    /** Drops by the BLOCK overflow policy when no room came in time. */
    public static final int DROP_BLOCK_TIMEOUT = 1;
    /** The message that made the CLOSE overflow policy close its slow consumer. */
    public static final int DROP_SLOW_CONSUMER = 2;
    /** Label values of the engine's own drop reasons, by the constants above. */
    public static final List<String> ENGINE_DROP_REASONS = List.of("queue_full", "block_timeout", "slow_consumer");
    /** Bound on distinct reasons given to {@link #drop(String)}; more fold into {@link #OTHER_REASON}. */
    public static final int MAX_DROP_REASONS = 64;
    /** The reason that over-many distinct reasons fold into. */
    public static final String OTHER_REASON = "other";

    /** HTTP statuses 100 to 599 at their own index; anything else counts at index 0. */
    public static final int STATUS_SLOTS = 600;
    /** Close codes 0 to 4999 at their own index (RFC 6455 §7.4: nothing above 4999 is valid); others at 0. */
    public static final int CLOSE_CODE_SLOTS = 5000;

    /** Upper bounds of the RTT histogram's buckets, in seconds; +Inf follows. */
    public static final double[] RTT_BUCKETS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] RTT_BUCKETS_NANOS = new long[RTT_BUCKETS_SECONDS.length];

    static {
        for (int i = 0; i < RTT_BUCKETS_SECONDS.length; i++) {
            RTT_BUCKETS_NANOS[i] = Math.round(RTT_BUCKETS_SECONDS[i] * 1e9);
        }
    }

    // [0] text, [1] binary
    private final LongAdder[] messagesIn = {new LongAdder(), new LongAdder()};
    private final LongAdder[] bytesIn = {new LongAdder(), new LongAdder()};
    private final LongAdder[] messagesOut = {new LongAdder(), new LongAdder()};
    private final LongAdder[] bytesOut = {new LongAdder(), new LongAdder()};
    private final LongAdder[] engineDrops = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final ConcurrentHashMap<String, LongAdder> otherDrops = new ConcurrentHashMap<>();
    private final LongAdder opened = new LongAdder();
    private final AtomicLongArray handshakes = new AtomicLongArray(STATUS_SLOTS);
    private final AtomicLongArray closeSent = new AtomicLongArray(CLOSE_CODE_SLOTS);
    private final AtomicLongArray closeReceived = new AtomicLongArray(CLOSE_CODE_SLOTS);
    private final AtomicLongArray closed = new AtomicLongArray(CLOSE_CODE_SLOTS);
    // Per bucket, not cumulative: a pong adds to one bucket; the scrape sums them up.
    private final LongAdder[] rttBuckets = new LongAdder[RTT_BUCKETS_NANOS.length + 1];
    private final LongAdder rttNanosSum = new LongAdder();
    private final List<WebSocketServer> servers = new CopyOnWriteArrayList<>();
    private final List<Runnable> seriesListeners = new CopyOnWriteArrayList<>();
    private volatile boolean notReady;

    /** New counters, all zero. */
    public MetricsCounters() {
        for (int i = 0; i < rttBuckets.length; i++) {
            rttBuckets[i] = new LongAdder();
        }
    }

    // ---------------------------------------------------------------- written by the engine

    /** A whole data message arrived. */
    public void received(boolean binary, long bytes) {
        int i = binary ? 1 : 0;
        messagesIn[i].increment();
        bytesIn[i].add(bytes);
    }

    /** A data message (or a data frame written as one) was queued for sending. */
    public void sent(boolean binary, long bytes) {
        int i = binary ? 1 : 0;
        messagesOut[i].increment();
        bytesOut[i].add(bytes);
    }

    /** The engine dropped a message; {@code reason} is one of the {@code DROP_} constants. */
    public void engineDrop(int reason) {
        engineDrops[reason].increment();
    }

    /** Anyone else dropped a message (a hub policy, a rate limit); distinct reasons are bounded. */
    public void drop(String reason) {
        String key = reason == null || reason.isEmpty() ? OTHER_REASON : reason;
        LongAdder a = otherDrops.get(key);
        if (a == null) {
            a = otherDrops.size() >= MAX_DROP_REASONS ? otherDrops.computeIfAbsent(OTHER_REASON, k -> new LongAdder())
                    : otherDrops.computeIfAbsent(key, k -> new LongAdder());
            seriesAdded();
        }
        a.increment();
    }

    /** An upgrade was decided (101) or refused (any other status). */
    public void handshake(int status) {
        count(handshakes, status >= 100 && status < STATUS_SLOTS ? status : 0);
    }

    /** A server connection started (after its 101). */
    public void opened() {
        opened.increment();
    }

    /** Our close frame was queued with this code. */
    public void closeSent(int code) {
        count(closeSent, codeSlot(code));
    }

    /** The peer's close frame arrived with this code (1005 when it carried none). */
    public void closeReceived(int code) {
        count(closeReceived, codeSlot(code));
    }

    /** A server connection ended with this outcome code (1006 when no close frame crossed). */
    public void closed(int code) {
        count(closed, codeSlot(code));
    }

    /** A ping/pong round trip was measured. */
    public void rtt(long nanos) {
        int i = 0;
        while (i < RTT_BUCKETS_NANOS.length && nanos > RTT_BUCKETS_NANOS[i]) {
            i++;
        }
        rttBuckets[i].increment();
        rttNanosSum.add(nanos);
    }

    /** A server this counts for is shutting down: readiness goes false. */
    public void shuttingDown() {
        notReady = true;
    }

    /** Sets readiness by hand. */
    public void ready(boolean ready) {
        notReady = !ready;
    }

    /** Counts the connections of {@code server} in the open-connection and queued-byte figures. */
    public void attach(WebSocketServer server) {
        if (!servers.contains(server)) {
            servers.add(server);
        }
    }

    private void count(AtomicLongArray counts, int slot) {
        if (counts.incrementAndGet(slot) == 1) {
            seriesAdded();
        }
    }

    private static int codeSlot(int code) {
        return code >= 0 && code < CLOSE_CODE_SLOTS ? code : 0;
    }

    private void seriesAdded() {
        for (Runnable r : seriesListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.getLogger(MetricsCounters.class.getName()).log(System.Logger.Level.WARNING, "a metrics series listener threw", e);
            }
        }
    }

    // ---------------------------------------------------------------- read at scrape time

    /** Runs {@code listener} whenever a label value is seen for the first time (rarely: once per status, code or reason). */
    public void addSeriesListener(Runnable listener) {
        seriesListeners.add(listener);
    }

    public long messagesReceived(boolean binary) {
        return messagesIn[binary ? 1 : 0].sum();
    }

    public long bytesReceived(boolean binary) {
        return bytesIn[binary ? 1 : 0].sum();
    }

    public long messagesSent(boolean binary) {
        return messagesOut[binary ? 1 : 0].sum();
    }

    public long bytesSent(boolean binary) {
        return bytesOut[binary ? 1 : 0].sum();
    }

    public long engineDrops(int reason) {
        return engineDrops[reason].sum();
    }

    /** The reasons given to {@link #drop(String)} so far, live. */
    public Map<String, LongAdder> otherDrops() {
        return otherDrops;
    }

    public long openedCount() {
        return opened.sum();
    }

    public AtomicLongArray handshakes() {
        return handshakes;
    }

    public AtomicLongArray closeSentCodes() {
        return closeSent;
    }

    public AtomicLongArray closeReceivedCodes() {
        return closeReceived;
    }

    public AtomicLongArray closedCodes() {
        return closed;
    }

    /** Per-bucket (not cumulative) RTT counts; the last is above every bound. */
    public long rttBucket(int i) {
        return rttBuckets[i].sum();
    }

    public long rttNanosSum() {
        return rttNanosSum.sum();
    }

    public boolean ready() {
        return !notReady;
    }

    public List<WebSocketServer> servers() {
        return servers;
    }
}
