package dev.shuttle.websocket.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.internal.handshake.Handshake;
import dev.shuttle.websocket.internal.io.SafeLog;
import dev.shuttle.websocket.internal.io.SocketChannelTransport;
import dev.shuttle.websocket.internal.session.Connection;
import dev.shuttle.websocket.spi.Upgrade;

/**
 * The HTTP part of one accepted connection, run on its own virtual thread: read the request
 * head within the handshake timeout, then either hand the socket to the WebSocket engine after
 * a 101, or answer one plain request and close. Every non-101 answer carries
 * {@code Connection: close}: the listener serves one request per connection.
 */
final class HttpExchange implements Runnable {
    private static final System.Logger LOG = System.getLogger(HttpExchange.class.getName());
    /** How long a closing connection drains what the client still sends (see {@link SocketChannelTransport#lingerAndClose}). */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Bytes drained at most while lingering: beyond that the client is not listening anyway. */
    static final int LINGER_MAX_BYTES = 256 * 1024;
    private static final int READ_CHUNK = 2048;

    private final Listener listener;
    private final WebSocketServer server;
    private final ListenerOptions options;
    private final SocketChannelTransport transport;
    /** The whole handshake (head in, answer out) must fit in this; 0 means no limit. */
    private final long timeoutNanos;

    HttpExchange(Listener listener, SocketChannelTransport transport) {
        this.listener = listener;
        this.server = listener.server();
        this.options = listener.options();
        this.transport = transport;
        this.timeoutNanos = server.options().handshakeTimeout().toNanos();
    }

    @Override
    public void run() {
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        int maxHead = server.options().maxRequestHeadBytes();
        try {
            RequestHeadParser parser = new RequestHeadParser(maxHead, transport.remoteAddress());
            ByteBuffer chunk = ByteBuffer.allocate(Math.min(READ_CHUNK, maxHead));
            RequestHead head = null;
            while (head == null) {
                chunk.clear();
                int n = transport.read(chunk);
                if (n < 0) {
                    transport.close();
                    return;
                }
                if (n > 0) {
                    head = parser.feed(chunk.flip());
                    continue;
                }
                long left = timed ? deadline - System.nanoTime() : 0;
                if (timed && left <= 0) {
                    onTimeout(parser.started());
                    return;
                }
                transport.awaitReadable(left);
            }
            route(head, parser.leftover());
        } catch (HttpException e) {
            LOG.log(System.Logger.Level.DEBUG, "bad request from {0}: {1} {2}", transport.remoteAddress(), e.status(), e.getMessage());
            answer(e.status(), Map.of(), e.getMessage(), true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection from " + transport.remoteAddress() + " failed in its handshake", e);
            transport.close();
        } catch (Throwable t) {
            failed(t);
        }
    }

    /**
     * A bug here or in the handshake code, an Error from the application's code, or out of
     * memory: answer 500 if we still can, and never leak the socket or the slot.
     */
    private void failed(Throwable t) {
        SafeLog.log(LOG, System.Logger.Level.ERROR, "a connection's handshake failed", t);
        try {
            if (transport.isUpgraded()) {
                transport.close();
            } else {
                answer(500, Map.of(), "internal error", true);
            }
        } catch (Throwable again) {
            transport.close();
        }
    }

    /** A slow (or silent) client must not hold a connection slot: 408 if it said anything, then close. */
    private void onTimeout(boolean started) {
        LOG.log(System.Logger.Level.DEBUG, "handshake timeout for {0}", transport.remoteAddress());
        if (started) {
            answer(408, Map.of(), "request head not received in time", true);
        } else {
            // A browser's preconnect that never sent a request gets no answer to misread.
            transport.close();
        }
    }

    private void route(RequestHead head, ByteBuffer leftover) {
        // Only a request that carries an Upgrade header can be a WebSocket one; checking that first
        // keeps plain GETs off the handshake path entirely.
        if (head.header("Upgrade") != null && Handshake.isWebSocketUpgrade(head)) {
            upgrade(head, leftover);
        } else {
            serve(head);
        }
    }

    private void upgrade(RequestHead head, ByteBuffer leftover) {
        if (head.minorVersion() < 1) {
            // RFC 6455 §4.2.1 item 1: the opening handshake is an HTTP/1.1 (or later) GET.
            if (server.metrics() != null) {
                server.metrics().recordHandshakeRefused(400);
            }
            answer(400, Map.of(), "WebSocket needs HTTP/1.1", true);
            return;
        }
        Upgrade upgrade = server.upgrade(head);
        if (!upgrade.accepted()) {
            answer(upgrade.status(), upgrade.headers(), upgrade.body(), true);
            return;
        }
        try {
            if (!transport.write(new ByteBuffer[] {HttpResponses.switchingProtocols(upgrade.headers())}, timeoutNanos)) {
                LOG.log(System.Logger.Level.DEBUG, "101 not taken in time by {0}", transport.remoteAddress());
                transport.close();
                return;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "writing the 101 failed", e);
            transport.close();
            return;
        }
        transport.unread(leftover);
        transport.markUpgraded();
        if (listener.isClosed() || transport.isClosed()) {
            // Shutting down between the decision and the start: the client sees the TCP close.
            transport.close();
            return;
        }
        try {
            // The engine's reader thread reads from here on; Thread.start orders our writes of
            // the leftover before its reads.
            // The server's upgrades start a Connection: the only kind of WebSocket there is.
            listener.started(transport, (Connection) upgrade.start(transport));
        } catch (Throwable t) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, "starting a WebSocket connection failed", t);
            transport.close();
        }
    }

    private void serve(RequestHead head) {
        String method = head.method();
        boolean isHead = method.equals("HEAD");
        if (!isHead && !method.equals("GET")) {
            answer(405, Map.of("Allow", "GET, HEAD"), "method not allowed", true);
            return;
        }
        HttpHandler handler = options.httpHandler();
        HttpResponse response = null;
        if (handler != null) {
            try {
                response = handler.handle(head);
            } catch (Throwable t) {
                // An Error too: the application's code must not take the connection's slot with it.
                SafeLog.log(LOG, System.Logger.Level.WARNING, "HTTP handler failed", t);
                answer(500, Map.of(), "internal error", !isHead);
                return;
            }
        }
        if (response == null) {
            answer(404, Map.of(), "not found", !isHead);
            return;
        }
        send(HttpResponses.complete(response.status(), Map.of(), response.contentType(), response.body(), !isHead));
    }

    /** A plain-text answer, then a lingering close. */
    private void answer(int status, Map<String, String> headers, String body, boolean sendBody) {
        send(HttpResponses.text(status, headers, body, sendBody));
    }

    private void send(ByteBuffer response) {
        try {
            if (transport.write(new ByteBuffer[] {response}, timeoutNanos)) {
                transport.lingerAndClose(LINGER_NANOS, LINGER_MAX_BYTES);
                return;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "writing a response failed", e);
        }
        transport.close();
    }
}
