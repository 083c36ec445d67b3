package dev.shuttle.websocket.jetty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes an HTTP/1 connection whose first request head has not arrived in full within a deadline
 * from the connection's opening. Jetty's idle timeout cannot do it: every byte resets it, so a
 * peer dripping one byte a second holds the connection for ever (issue 9, item 8). Jetty counts a
 * request in {@code getMessagesIn()} when its head is complete, which is what is checked here.
 * <p>
 * A {@link Connection.Listener} bean of the connector: Jetty calls it for every connection the
 * connector makes, on the thread that opens or closes it. The task per connection is one entry in
 * Jetty's scheduler, cancelled when the connection closes.
 */
final class HeadDeadline implements Connection.Listener {
    private static final System.Logger LOG = System.getLogger(HeadDeadline.class.getName());

    private final Scheduler scheduler;
    private final long deadlineNanos;
    private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

    HeadDeadline(Scheduler scheduler, long deadlineNanos) {
        this.scheduler = scheduler;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void onOpened(Connection connection) {
        // HTTP/1 only: TLS and HTTP/2 connections have no request head of their own; the HTTP/1
        // connection behind a TLS one gets its own call.
        if (connection instanceof AbstractMetaDataConnection) {
            pending.put(connection, scheduler.schedule(() -> expire(connection), deadlineNanos, TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Scheduler.Task task = pending.remove(connection);
        if (task != null) {
            task.cancel();
        }
    }

    /** On Jetty's scheduler thread: must not throw, must not block. */
    private void expire(Connection connection) {
        pending.remove(connection);
        try {
            EndPoint endPoint = connection.getEndPoint();
            // After a WebSocket upgrade the end point carries Shuttle's connection instead.
            if (connection.getMessagesIn() == 0 && endPoint.getConnection() == connection && endPoint.isOpen()) {
                endPoint.close(new java.util.concurrent.TimeoutException("no complete request head within the deadline"));
            }
        } catch (Throwable t) {
            try {
                LOG.log(System.Logger.Level.DEBUG, "closing a connection past its head deadline", t);
            } catch (Throwable ignored) {
                // logging must not break Jetty's scheduler
            }
        }
    }
}
