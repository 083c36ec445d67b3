package dev.shuttle.websocket.metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Room;
import dev.shuttle.websocket.internal.metrics.MetricsAccess;
import dev.shuttle.websocket.internal.metrics.MetricsCounters;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.HttpResponse;

/**
 * The figures of one server, for {@code /metrics} (Prometheus text format 0.0.4) and
 * {@code /health}. Give it to the server and mount its endpoints:
 * <pre>{@code
 * ShuttleMetrics metrics = new ShuttleMetrics().register(hub);   // the hub is optional
 * WebSocketServer ws = WebSocketServer.builder().metrics(metrics).build();
 * ws.listen(ListenerOptions.builder().port(8080).httpHandler(metrics.httpHandler()).build());
 * }</pre>
 * <p><b>Cost.</b> The engine counts into {@link LongAdder}s and fixed arrays indexed by HTTP status
 * and close code: no lock and no allocation per message, and nothing at all for a server without
 * metrics. Open connections, queued bytes and room members are read when scraped, never per message.
 * <p><b>What is counted.</b> Handshakes by status as {@link WebSocketServer#upgrade} decides them
 * (101, 400, 403, 426, the upgrade hook's 401/429/503, …) on every transport, plus the refusals
 * a transport makes itself (the built-in listener's 503 over its connection limit, a 400 for
 * HTTP/1.0); data messages and their payload bytes by text/binary as received and as queued for
 * sending; drops by reason; close frames sent and received and connections closed by code; the
 * round-trip time of every automatic ping ({@link dev.shuttle.websocket.Options#pingInterval()}).
 * <p>Threads: every method may be called from any thread.
 */
public final class ShuttleMetrics {
    /** The content type of {@link #prometheusText()}: Prometheus text exposition format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The content type of {@link Health#toJson()}. */
    public static final String HEALTH_CONTENT_TYPE = "application/json";
    /**
     * At most this many rooms per hub get a {@code shuttle_room_members} series (the largest
     * first): room keys come from clients' URLs, and a scrape must stay bounded whatever they send.
     */
    public static final int MAX_ROOM_SERIES = 1000;

    static {
        MetricsAccess.install(m -> m.counters);
    }

    private final MetricsCounters counters = new MetricsCounters();
    private final Object hubsLock = new Object();
    private volatile Map<String, Hub> hubs = Map.of();

    /** New metrics, all zero, ready. */
    public ShuttleMetrics() {
    }

    // ---------------------------------------------------------------- recording from outside the engine

    /**
     * Counts one message dropped for {@code reason} (a hub's policy, a rate limit, your own code):
     * it shows as {@code shuttle_dropped_messages_total{reason="…"}}. At most
     * 64 distinct
     * reasons are kept; further ones count as {@code other}. Pass a fixed word, never a peer's value.
     * No lock, and no allocation once the reason was seen.
     *
     * @param reason a short snake_case word, e.g. {@code rate_limit}
     */
    public void recordDrop(String reason) {
        counters.drop(reason);
    }

    /**
     * Counts a handshake a transport or a front piece refused itself, before
     * {@link WebSocketServer#upgrade} saw it (those are counted already).
     *
     * @param status the HTTP status sent, e.g. 503
     */
    public void recordHandshakeRefused(int status) {
        counters.handshake(status);
    }

    /**
     * Adds a hub's rooms to the figures under the name {@code default}: {@code shuttle_hub_rooms}
     * and {@code shuttle_room_members} per room, read when scraped.
     *
     * @param hub the hub
     * @return this
     */
    public ShuttleMetrics register(Hub hub) {
        return register("default", hub);
    }

    /**
     * Adds a hub's rooms to the figures under a name (the {@code hub} label); a second hub under
     * the same name replaces the first.
     *
     * @param name the {@code hub} label
     * @param hub the hub
     * @return this
     */
    public ShuttleMetrics register(String name, Hub hub) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hub, "hub");
        synchronized (hubsLock) { // registration only, never on a scrape or message path
            Map<String, Hub> next = new LinkedHashMap<>(hubs);
            next.put(name, hub);
            hubs = Collections.unmodifiableMap(next);
        }
        return this;
    }

    /** Readiness false from now on ({@code /health} answers 503): call it when shutdown begins. */
    public void markNotReady() {
        counters.ready(false);
    }

    /** Readiness true again (e.g. after a maintenance pause). */
    public void markReady() {
        counters.ready(true);
    }

    // ---------------------------------------------------------------- reading

    /** {@return liveness, readiness and open connections now} */
    public Health health() {
        return new Health(true, counters.ready(), openConnections());
    }

    /** {@return the open connections of every server these metrics count for} */
    public long openConnections() {
        long n = 0;
        for (WebSocketServer s : counters.servers()) {
            n += s.connections().size();
        }
        return n;
    }

    /** {@return the bytes queued for sending now, summed over the open connections (read at scrape time)} */
    public long queuedBytes() {
        long n = 0;
        for (WebSocketServer s : counters.servers()) {
            for (WebSocket c : s.connections()) {
                n += c.queuedBytes();
            }
        }
        return n;
    }

    /** {@return the connections started since these metrics were made} */
    public long connectionsOpened() {
        return counters.openedCount();
    }

    /**
     * Data messages received.
     *
     * @param binary binary messages, or text ones
     * @return the count
     */
    public long messagesReceived(boolean binary) {
        return counters.messagesReceived(binary);
    }

    /**
     * Payload bytes of data messages received (after permessage-deflate inflation).
     *
     * @param binary binary messages, or text ones
     * @return the bytes
     */
    public long bytesReceived(boolean binary) {
        return counters.bytesReceived(binary);
    }

    /**
     * Data messages queued for sending (refused ones are drops, not sends).
     *
     * @param binary binary messages, or text ones
     * @return the count
     */
    public long messagesSent(boolean binary) {
        return counters.messagesSent(binary);
    }

    /**
     * Payload bytes of data messages queued for sending (before compression).
     *
     * @param binary binary messages, or text ones
     * @return the bytes
     */
    public long bytesSent(boolean binary) {
        return counters.bytesSent(binary);
    }

    /**
     * Handshakes answered with a status.
     *
     * @param status 101 for accepted, or the refusal's status
     * @return the count
     */
    public long handshakes(int status) {
        return status >= 100 && status < MetricsCounters.STATUS_SLOTS ? counters.handshakes().get(status) : 0;
    }

    /** {@return the statuses counted at least once, ascending} */
    public int[] handshakeStatuses() {
        return seen(counters.handshakes(), 100);
    }

    /**
     * Close frames we sent with a code.
     *
     * @param code the close code
     * @return the count
     */
    public long closeFramesSent(int code) {
        return get(counters.closeSentCodes(), code);
    }

    /**
     * Close frames the peers sent with a code (1005 for an empty close frame).
     *
     * @param code the close code
     * @return the count
     */
    public long closeFramesReceived(int code) {
        return get(counters.closeReceivedCodes(), code);
    }

    /**
     * Connections that ended with a code, as {@code onClose} saw it (1006: no close frame crossed).
     *
     * @param code the close code
     * @return the count
     */
    public long connectionsClosed(int code) {
        return get(counters.closedCodes(), code);
    }

    /** {@return the codes of close frames sent at least once, ascending} */
    public int[] closeCodesSent() {
        return seen(counters.closeSentCodes(), 0);
    }

    /** {@return the codes of close frames received at least once, ascending} */
    public int[] closeCodesReceived() {
        return seen(counters.closeReceivedCodes(), 0);
    }

    /** {@return the codes connections ended with at least once, ascending} */
    public int[] closeCodesClosed() {
        return seen(counters.closedCodes(), 0);
    }

    /**
     * Drops by reason: the engine's {@code queue_full}, {@code block_timeout}, {@code slow_consumer}
     * (always present) and every reason given to {@link #recordDrop(String)}.
     *
     * @return a snapshot, sorted by reason
     */
    public Map<String, Long> drops() {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < MetricsCounters.ENGINE_DROP_REASONS.size(); i++) {
            out.put(MetricsCounters.ENGINE_DROP_REASONS.get(i), counters.engineDrops(i));
        }
        for (Map.Entry<String, LongAdder> e : counters.otherDrops().entrySet()) {
            out.merge(e.getKey(), e.getValue().sum(), Long::sum);
        }
        return out;
    }

    /** {@return the upper bounds of the RTT histogram's buckets in seconds (+Inf not included)} */
    public static double[] rttBucketBounds() {
        return MetricsCounters.RTT_BUCKETS_SECONDS.clone();
    }

    /** {@return cumulative RTT counts per bucket of {@link #rttBucketBounds()}, then the +Inf one (= {@link #rttCount()})} */
    public long[] rttCumulativeCounts() {
        long[] out = new long[MetricsCounters.RTT_BUCKETS_SECONDS.length + 1];
        long sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += counters.rttBucket(i);
            out[i] = sum;
        }
        return out;
    }

    /** {@return the round trips measured} */
    public long rttCount() {
        long n = 0;
        for (int i = 0; i <= MetricsCounters.RTT_BUCKETS_SECONDS.length; i++) {
            n += counters.rttBucket(i);
        }
        return n;
    }

    /** {@return the sum of all round trips measured, in seconds} */
    public double rttSumSeconds() {
        return counters.rttNanosSum() / 1e9;
    }

    /** {@return the registered hubs by name} */
    public Map<String, Hub> hubs() {
        return hubs;
    }

    /**
     * Runs {@code listener} when a series appears: a status, close code or drop reason counted for
     * the first time (a registry that binds one meter per label value re-reads the lists then).
     * It runs on whichever thread counted; keep it short.
     *
     * @param listener what to run
     */
    public void onNewSeries(Runnable listener) {
        counters.addSeriesListener(Objects.requireNonNull(listener, "listener"));
    }

    // ---------------------------------------------------------------- serving

    /**
     * The answer for a path: {@code /metrics} (Prometheus text), {@code /health} and
     * {@code /health/ready} (JSON, 503 when not ready), {@code /health/live} (JSON, always 200).
     * What every mount (built-in listener, Jetty, Undertow, Servlet) serves.
     *
     * @param path the request path, without query
     * @return the answer, or {@code null} for any other path
     */
    public HttpResponse respond(String path) {
        if (path == null) {
            return null;
        }
        return switch (path) {
            case "/metrics" -> new HttpResponse(200, PROMETHEUS_CONTENT_TYPE, prometheusText().getBytes(StandardCharsets.UTF_8));
            case "/health", "/health/ready" -> {
                Health h = health();
                yield new HttpResponse(h.httpStatus(), HEALTH_CONTENT_TYPE, h.toJson().getBytes(StandardCharsets.UTF_8));
            }
            case "/health/live" -> new HttpResponse(200, HEALTH_CONTENT_TYPE, health().toJson().getBytes(StandardCharsets.UTF_8));
            default -> null;
        };
    }

    /**
     * A handler for the built-in listener ({@code ListenerOptions.builder().httpHandler(…)})
     * answering the paths of {@link #respond(String)}; 404 for the rest.
     *
     * @return the handler
     */
    public HttpHandler httpHandler() {
        return request -> respond(request.path());
    }

    /**
     * As {@link #httpHandler()}, passing every other path to {@code next}.
     *
     * @param next the application's handler
     * @return the handler
     */
    public HttpHandler httpHandler(HttpHandler next) {
        Objects.requireNonNull(next, "next");
        return request -> {
            HttpResponse r = respond(request.path());
            return r != null ? r : next.handle(request);
        };
    }

    /** {@return every figure in the Prometheus text exposition format 0.0.4} */
    public String prometheusText() {
        PrometheusWriter w = new PrometheusWriter();
        w.family("shuttle_ready", "gauge", "1 while the server accepts new connections, 0 once it is shutting down.")
                .sample("shuttle_ready", counters.ready() ? 1 : 0);
        w.family("shuttle_connections_open", "gauge", "Open WebSocket connections.")
                .sample("shuttle_connections_open", openConnections());
        w.family("shuttle_connections_opened_total", "counter", "WebSocket connections started after a 101.")
                .sample("shuttle_connections_opened_total", connectionsOpened());
        w.family("shuttle_handshakes_total", "counter", "Upgrade requests answered, by outcome and HTTP status.");
        boolean any101 = false;
        for (int status : handshakeStatuses()) {
            any101 |= status == 101;
        }
        if (!any101) {
            w.sample("shuttle_handshakes_total", 0L, "outcome", "accepted", "status", "101");
        }
        for (int status : handshakeStatuses()) {
            w.sample("shuttle_handshakes_total", handshakes(status), "outcome", status == 101 ? "accepted" : "refused",
                    "status", Integer.toString(status));
        }
        long other = counters.handshakes().get(0);
        if (other > 0) {
            w.sample("shuttle_handshakes_total", other, "outcome", "refused", "status", "other");
        }
        traffic(w, "shuttle_messages_received_total", "Data messages received.", true, false);
        traffic(w, "shuttle_received_bytes_total", "Payload bytes of data messages received.", true, true);
        traffic(w, "shuttle_messages_sent_total", "Data messages queued for sending.", false, false);
        traffic(w, "shuttle_sent_bytes_total", "Payload bytes of data messages queued for sending.", false, true);
        w.family("shuttle_dropped_messages_total", "counter", "Messages dropped, by reason.");
        for (Map.Entry<String, Long> e : drops().entrySet()) {
            w.sample("shuttle_dropped_messages_total", e.getValue(), "reason", e.getKey());
        }
        w.family("shuttle_queued_bytes", "gauge", "Bytes queued for sending, summed over open connections.")
                .sample("shuttle_queued_bytes", queuedBytes());
        codes(w, "shuttle_close_frames_sent_total", "Close frames sent, by close code.", counters.closeSentCodes());
        codes(w, "shuttle_close_frames_received_total", "Close frames received, by close code.", counters.closeReceivedCodes());
        codes(w, "shuttle_connections_closed_total", "Connections ended, by the close code onClose saw (1006: abnormal).",
                counters.closedCodes());
        w.family("shuttle_rtt_seconds", "histogram", "Round-trip time of automatic pings.");
        long[] cumulative = rttCumulativeCounts();
        double[] bounds = MetricsCounters.RTT_BUCKETS_SECONDS;
        for (int i = 0; i < bounds.length; i++) {
            w.sample("shuttle_rtt_seconds_bucket", cumulative[i], "le", PrometheusWriter.format(bounds[i]));
        }
        w.sample("shuttle_rtt_seconds_bucket", cumulative[bounds.length], "le", "+Inf");
        w.sample("shuttle_rtt_seconds_sum", rttSumSeconds());
        w.sample("shuttle_rtt_seconds_count", cumulative[bounds.length]);
        hubFigures(w);
        return w.toString();
    }

    private void traffic(PrometheusWriter w, String name, String help, boolean received, boolean bytes) {
        w.family(name, "counter", help);
        for (boolean binary : new boolean[] {false, true}) {
            long v = received ? (bytes ? bytesReceived(binary) : messagesReceived(binary))
                    : (bytes ? bytesSent(binary) : messagesSent(binary));
            w.sample(name, v, "type", binary ? "binary" : "text");
        }
    }

    private static void codes(PrometheusWriter w, String name, String help, AtomicLongArray counts) {
        w.family(name, "counter", help);
        for (int code : seen(counts, 1)) {
            w.sample(name, counts.get(code), "code", Integer.toString(code));
        }
        if (counts.get(0) > 0) {
            w.sample(name, counts.get(0), "code", "other");
        }
    }

    private void hubFigures(PrometheusWriter w) {
        Map<String, Hub> now = hubs;
        if (now.isEmpty()) {
            return;
        }
        Map<String, Collection<Room>> rooms = new LinkedHashMap<>();
        now.forEach((name, hub) -> rooms.put(name, hub.rooms()));
        w.family("shuttle_hub_rooms", "gauge", "Rooms of a hub.");
        rooms.forEach((name, list) -> w.sample("shuttle_hub_rooms", (long) list.size(), "hub", name));
        w.family("shuttle_hub_members", "gauge", "Memberships of a hub, summed over its rooms.");
        rooms.forEach((name, list) -> w.sample("shuttle_hub_members", list.stream().mapToLong(Room::size).sum(), "hub", name));
        w.family("shuttle_room_members", "gauge", "Members of a room (the " + MAX_ROOM_SERIES + " largest rooms of each hub).");
        rooms.forEach((name, list) -> {
            List<Room> sorted = new ArrayList<>(list);
            if (sorted.size() > MAX_ROOM_SERIES) {
                sorted.sort((a, b) -> Integer.compare(b.size(), a.size()));
                sorted = sorted.subList(0, MAX_ROOM_SERIES);
            }
            for (Room r : sorted) {
                w.sample("shuttle_room_members", (long) r.size(), "hub", name, "room", r.key());
            }
        });
    }

    private static long get(AtomicLongArray counts, int index) {
        return index > 0 && index < counts.length() ? counts.get(index) : 0;
    }

    private static int[] seen(AtomicLongArray counts, int from) {
        int n = 0;
        for (int i = Math.max(from, 1); i < counts.length(); i++) {
            if (counts.get(i) > 0) {
                n++;
            }
        }
        int[] out = new int[n];
        int j = 0;
        for (int i = Math.max(from, 1); i < counts.length() && j < n; i++) {
            if (counts.get(i) > 0) {
                out[j++] = i;
            }
        }
        return j == n ? out : java.util.Arrays.copyOf(out, j);
    }
}
