package dev.shuttle.websocket.servlet;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.shuttle.websocket.spi.Upgrade;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * What the container runs after a standard {@code request.upgrade()}: it bridges the
 * {@link WebConnection} to Shuttle's engine through a {@link ServletTransport}. Public with a
 * public no-argument constructor because the container instantiates it.
 * <p>
 * Threads: {@link #prepare} runs in the servlet's {@code service}; the container calls
 * {@link #init} after {@code service} returns, possibly on another thread, hence the volatiles.
 */
public final class ShuttleUpgradeHandler implements HttpUpgradeHandler {
    private static final System.Logger LOG = System.getLogger(ShuttleUpgradeHandler.class.getName());

    private volatile Upgrade upgrade;
    private volatile InetSocketAddress remoteAddress;
    private volatile InetSocketAddress localAddress;
    private volatile boolean secure;
    private volatile ServletTransport transport;

    public ShuttleUpgradeHandler() {
    }

    void prepare(Upgrade upgrade, InetSocketAddress remoteAddress, InetSocketAddress localAddress, boolean secure) {
        this.upgrade = upgrade;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.secure = secure;
    }

    @Override
    public void init(WebConnection connection) {
        Upgrade u = upgrade;
        if (u == null) {
            // Instantiated by someone else's upgrade() call: nothing to run.
            closeQuietly(connection);
            return;
        }
        ServletTransport t;
        try {
            t = new ServletTransport(connection, remoteAddress, localAddress, secure);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot bridge an upgraded servlet connection", e);
            closeQuietly(connection);
            return;
        }
        transport = t;
        try {
            u.start(t);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "starting a WebSocket connection failed", e);
            t.close();
        }
    }

    /** The container is done with the connection (closed by either side). */
    @Override
    public void destroy() {
        ServletTransport t = transport;
        if (t != null) {
            t.onDestroyed();
        }
    }

    private static void closeQuietly(WebConnection connection) {
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an upgraded connection", e);
        }
    }
}
