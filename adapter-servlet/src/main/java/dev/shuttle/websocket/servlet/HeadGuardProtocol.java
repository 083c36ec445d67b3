package dev.shuttle.websocket.servlet;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.coyote.ActionCode;
import org.apache.coyote.Adapter;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's HTTP/1.1 NIO protocol with a deadline from a connection's opening to its first
 * complete request head ({@link #setFirstHeadTimeout}, set by
 * {@link TomcatWebSocket#guardRequestHeads}). Tomcat's {@code connectionTimeout} is a read
 * timeout: a peer that sends one byte of its head just before each timeout is never cut off.
 * <p>
 * One sweeper thread per connector looks at the open connections every tenth of the timeout and
 * closes those older than the timeout that have not completed a request head; a connection leaves
 * the watch at its first complete head (plain HTTP or an upgrade). The connections are known by
 * the endpoint; a completed head is seen when the request reaches the container (the adapter),
 * identified by the remote address and port of its socket. Cost: one map entry per connection
 * still in its first head.
 */
public class HeadGuardProtocol extends Http11NioProtocol {
    private static final System.Logger LOG = System.getLogger(HeadGuardProtocol.class.getName());

    private volatile int firstHeadTimeoutMillis;
    /** Connections still in their first head → when first seen (nanos). Sweeper thread only. */
    private final Map<SocketWrapperBase<?>, Long> watched = new ConcurrentHashMap<>();
    /** Connections whose first head completed, as "address:port", until the sweeper clears them. */
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    /** Connections the sweeper stopped watching: their first head completed. */
    private final Set<SocketWrapperBase<?>> cleared = ConcurrentHashMap.newKeySet();
    private volatile Thread sweeper;

    /** For Tomcat, which makes the protocol by class name. */
    public HeadGuardProtocol() {
    }

    /**
     * The deadline, in milliseconds, from a connection's opening to its first complete request
     * head; 0 (the default) turns it off. Also settable as the connector property
     * {@code firstHeadTimeout}.
     *
     * @param millis the deadline; 0 for none
     */
    public void setFirstHeadTimeout(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("firstHeadTimeout must be >= 0: " + millis);
        }
        this.firstHeadTimeoutMillis = millis;
    }

    /**
     * The deadline from a connection's opening to its first complete request head.
     *
     * @return milliseconds; 0 when off
     */
    public int getFirstHeadTimeout() {
        return firstHeadTimeoutMillis;
    }

    @Override
    public void setAdapter(Adapter adapter) {
        super.setAdapter(new MarkingAdapter(adapter));
    }

    @Override
    public void start() throws Exception {
        super.start();
        if (firstHeadTimeoutMillis > 0) {
            // Assigned before it runs: the loop ends as soon as the field names another thread.
            Thread t = Thread.ofPlatform().daemon().name("shuttle-tomcat-head-guard-" + getPort()).unstarted(this::sweep);
            sweeper = t;
            t.start();
        }
    }

    @Override
    public void stop() throws Exception {
        Thread s = sweeper;
        sweeper = null;
        if (s != null) {
            s.interrupt();
        }
        super.stop();
    }

    private void sweep() {
        long timeoutNanos = firstHeadTimeoutMillis * 1_000_000L;
        long periodMillis = Math.max(10, firstHeadTimeoutMillis / 10);
        while (sweeper == Thread.currentThread()) {
            try {
                sweepOnce(timeoutNanos);
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // Supervised: one bad connection must not end the guard of all the others.
                LOG.log(System.Logger.Level.WARNING, "Tomcat head guard sweep failed", t);
            }
        }
    }

    private void sweepOnce(long timeoutNanos) {
        long now = System.nanoTime();
        Set<SocketWrapperBase<org.apache.tomcat.util.net.NioChannel>> open = getEndpoint().getConnections();
        watched.keySet().retainAll(open);
        cleared.retainAll(open);
        for (SocketWrapperBase<?> connection : open) {
            if (cleared.contains(connection)) {
                continue;
            }
            String key = connection.getRemoteAddr() + ":" + connection.getRemotePort();
            if (completed.remove(key)) {
                watched.remove(connection);
                cleared.add(connection);
                continue;
            }
            long since = watched.computeIfAbsent(connection, c -> now);
            if (now - since > timeoutNanos) {
                watched.remove(connection);
                LOG.log(System.Logger.Level.DEBUG, "closing {0}: no complete request head within {1} ms", key, firstHeadTimeoutMillis);
                connection.close();
            }
        }
        // Marks of connections that ended before the sweeper saw them.
        if (!completed.isEmpty()) {
            Set<String> live = ConcurrentHashMap.newKeySet();
            for (SocketWrapperBase<?> c : open) {
                live.add(c.getRemoteAddr() + ":" + c.getRemotePort());
            }
            completed.retainAll(live);
        }
    }

    /** Marks a connection's first complete head when its request reaches the container. */
    private final class MarkingAdapter implements Adapter {
        private final Adapter adapter;

        MarkingAdapter(Adapter adapter) {
            this.adapter = adapter;
        }

        @Override
        public void service(Request req, Response res) throws Exception {
            if (firstHeadTimeoutMillis > 0) {
                req.action(ActionCode.REQ_HOST_ADDR_ATTRIBUTE, req);
                req.action(ActionCode.REQ_REMOTEPORT_ATTRIBUTE, req);
                completed.add(req.remoteAddr().toString() + ":" + req.getRemotePort());
            }
            adapter.service(req, res);
        }

        @Override
        public boolean prepare(Request req, Response res) throws Exception {
            return adapter.prepare(req, res);
        }

        @Override
        public boolean asyncDispatch(Request req, Response res, SocketEvent status) throws Exception {
            return adapter.asyncDispatch(req, res, status);
        }

        @Override
        public void log(Request req, Response res, long time) {
            adapter.log(req, res, time);
        }

        @Override
        public void checkRecycled(Request req, Response res) {
            adapter.checkRecycled(req, res);
        }

        @Override
        public String getDomain() {
            return adapter.getDomain();
        }
    }
}
