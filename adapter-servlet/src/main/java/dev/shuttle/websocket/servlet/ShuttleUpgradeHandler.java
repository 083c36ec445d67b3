package dev.shuttle.websocket.servlet;

import java.net.InetSocketAddress;

import dev.shuttle.websocket.spi.Failures;
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

    /** For the container, which instantiates it in {@code request.upgrade()}. */
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
            t = new ServletTransport(TomcatConnection.forContainer(connection), remoteAddress, localAddress, secure);
        } catch (Throwable e) {
            Failures.log(LOG, "cannot bridge an upgraded servlet connection", e);
            closeQuietly(connection);
            return;
        }
        transport = t;
        try {
            u.start(t);
        } catch (Throwable e) {
            // Supervised like every container callback: this connection fails, the container goes on.
            Failures.log(LOG, "starting a WebSocket connection failed", e);
            t.close();
        }
    }

    /** The container is done with the connection (closed by either side). */
    @Override
    public void destroy() {
        ServletTransport t = transport;
        if (t != null) {
            try {
                t.onDestroyed();
            } catch (Throwable e) {
                Failures.log(LOG, "ending a destroyed upgraded connection", e);
            }
        }
    }

    private static void closeQuietly(WebConnection connection) {
        try {
            connection.close();
        } catch (Throwable e) {
            Failures.log(LOG, "closing an upgraded connection", e);
        }
    }
}
