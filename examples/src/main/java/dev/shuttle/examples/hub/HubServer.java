package dev.shuttle.examples.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.auth.BearerAuth;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.jsonrpc.JsonRpcRouter;
import dev.shuttle.websocket.limit.AddressLimits;
import dev.shuttle.websocket.limit.RateLimit;
import dev.shuttle.websocket.metrics.ShuttleMetrics;
import dev.shuttle.websocket.standalone.HttpHandler;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;

/**
 * nbio-websocket's hub server on Shuttle: JSON-RPC 2.0 at {@code /ws} with the built-in
 * {@code broadcast} and {@code self.reply}, bearer-token authentication and rate limits when
 * enabled, {@code /health} and {@code /metrics} ({@link ShuttleMetrics}); every other path is 404.
 * <p>{@link #upgradeHook()} builds the whole upgrade chain, {@link #webSocketHandler()} the
 * handler chain, {@link #httpHandler()} the answers to plain HTTP requests, and {@link #hub()}
 * is where a pub/sub bridge attaches.
 */
public final class HubServer implements AutoCloseable {
    /** The path of the JSON-RPC endpoint: {@value}. */
    public static final String PATH = "/ws";
    /** The hub room every client joins and {@code broadcast} publishes to: {@value}. */
    public static final String ROOM = "broadcast";
    /** The subprotocol selected when offered (a browser's bearer token rides beside it): {@value}. */
    public static final String SUBPROTOCOL = "jsonrpc";

    private final HubSettings settings;
    private final Hub hub;
    private final JsonRpcRouter router;
    private final BearerAuth auth;
    private final AddressLimits addressLimits;
    private final RateLimit rateLimit;
    private final ShuttleMetrics metrics;
    private final WebSocketServer server;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private volatile Listener listener;

    private HubServer(HubSettings settings) {
        this.settings = settings;
        this.hub = Hub.builder().maxRooms(1).build();
        this.router = JsonRpcRouter.builder().hub(hub).build().builtins(ROOM);
        this.metrics = new ShuttleMetrics().register(hub);
        this.auth = settings.authEnabled()
                ? BearerAuth.builder().tokens(settings.bearerTokens()).subprotocolCarrier().build()
                : null;
        if (settings.rateLimitEnabled()) {
            addressLimits = AddressLimits.builder()
                    .maxConnections(settings.connectionsPerAddress())
                    .maxNewPerSecond(settings.newConnectionsPerSecond())
                    .build();
            rateLimit = RateLimit.builder()
                    .messagesPerSecond(settings.messagesPerSecond())
                    .burst(settings.messageBurst())
                    .onExceeded((connection, isBinary, data) -> {
                        metrics.recordDrop("rate_limit");
                        router.rateLimitExceeded().onExceeded(connection, isBinary, data);
                    })
                    .build();
        } else {
            addressLimits = null;
            rateLimit = null;
        }
        this.server = WebSocketServer.builder()
                .metrics(metrics)
                .subprotocols(SUBPROTOCOL)
                .upgradeHook(upgradeHook())
                .handler(webSocketHandler())
                .build();
    }

    /**
     * Starts listening.
     *
     * @param settings the settings; pub/sub must be off (not wired yet: {@link HubCommand} refuses it)
     * @param log where the start-up line goes
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HubServer start(HubSettings settings, PrintStream log) throws IOException {
        if (settings.pubSubEnabled()) {
            throw new IllegalArgumentException(HubCommand.PUBSUB_NOT_WIRED);
        }
        HubServer hubServer = new HubServer(settings);
        hubServer.listener = hubServer.server.listen(ListenerOptions.builder()
                .address(new InetSocketAddress(settings.host(), settings.port()))
                .httpHandler(hubServer.httpHandler())
                .build());
        log.println("hub listening on ws://" + settings.host() + ":" + hubServer.port() + PATH
                + (settings.authEnabled() ? " (bearer tokens required)" : "")
                + (settings.rateLimitEnabled() ? " (rate limited)" : ""));
        log.flush();
        return hubServer;
    }

    /**
     * The upgrade chain, cheapest refusal first: the path (404), a shutdown (503), the per-address limits (429),
     * then the bearer token (401/400).
     *
     * @return the hook
     */
    UpgradeHook upgradeHook() {
        UpgradeHook chain = (request, attributes) -> {
            if (!PATH.equals(request.path())) {
                throw new UpgradeRejectedException(404, "not found");
            }
            if (shuttingDown.get()) {
                throw new UpgradeRejectedException(503, "shutting down");
            }
        };
        if (addressLimits != null) {
            chain = then(chain, addressLimits);
        }
        if (auth != null) {
            chain = then(chain, auth);
        }
        return chain;
    }

    /**
     * The handler chain: the address limits outermost (a connection turned away never reaches
     * the rest), then the per-connection rate limit, then the JSON-RPC router.
     *
     * @return the handler
     */
    WebSocketHandler webSocketHandler() {
        WebSocketHandler handler = router.handler();
        if (rateLimit != null) {
            handler = rateLimit.wrap(handler);
        }
        if (addressLimits != null) {
            handler = addressLimits.wrap(handler);
        }
        return handler;
    }

    /**
     * Plain HTTP requests (not upgrades): {@code /health} (readiness false from the start of a
     * shutdown), {@code /metrics} (Prometheus text), 404 for everything else.
     *
     * @return the handler
     */
    HttpHandler httpHandler() {
        return metrics.httpHandler();
    }

    private static UpgradeHook then(UpgradeHook first, UpgradeHook next) {
        return (request, attributes) -> {
            first.onUpgrade(request, attributes);
            next.onUpgrade(request, attributes);
        };
    }

    /** {@return the port listened on} */
    public int port() {
        return listener.port();
    }

    /** {@return the settings} */
    public HubSettings settings() {
        return settings;
    }

    /** {@return the hub, where a bridge attaches} */
    public Hub hub() {
        return hub;
    }

    /** {@return the router, for more methods} */
    public JsonRpcRouter router() {
        return router;
    }

    /** {@return the figures behind {@code /metrics} and {@code /health}} */
    public ShuttleMetrics metrics() {
        return metrics;
    }

    /** {@return the WebSocket server} */
    public WebSocketServer server() {
        return server;
    }

    /** {@return true once a shutdown began: readiness is then false} */
    public boolean shuttingDown() {
        return shuttingDown.get();
    }

    /**
     * Graceful shutdown, once: every client gets 1001 after what is already queued to it, and
     * those that do not answer within the grace time are aborted; then the listener stops.
     */
    @Override
    public void close() {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        metrics.markNotReady(); // before the first 1001: a balancer stops sending clients here
        server.closeAll(CloseCode.GOING_AWAY, "server shutting down", settings.shutdownGrace());
        Listener l = listener;
        if (l != null) {
            l.close();
        }
    }
}
