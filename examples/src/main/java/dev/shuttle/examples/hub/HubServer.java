package dev.shuttle.examples.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.shuttle.examples.ScaleOut;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.UpgradeHook;
import dev.shuttle.websocket.UpgradeRejectedException;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.auth.BearerAuth;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.bridge.PubSubConfig;
import dev.shuttle.websocket.hub.HistoryRead;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.hub.RecoveryListener;
import dev.shuttle.websocket.hub.Room;
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
 * handler chain, {@link #httpHandler()} the answers to plain HTTP requests. With pub/sub on,
 * the hub spans every instance on Redis or NATS; with {@code --history N} every broadcast carries
 * its position and a client connecting with {@code ?since=EPOCH:OFFSET} first gets what it
 * missed, from memory on one instance or from the broker's own store in a cluster
 * ({@link ScaleOut}).
 */
public final class HubServer implements AutoCloseable {
    /** The path of the JSON-RPC endpoint: {@value}. */
    public static final String PATH = "/ws";
    /** The hub room every client joins and {@code broadcast} publishes to: {@value}. */
    public static final String ROOM = "broadcast";
    /** The subprotocol selected when offered (a browser's bearer token rides beside it): {@value}. */
    public static final String SUBPROTOCOL = "jsonrpc";
    /** The notification a reconnecting client gets first when its {@code since} cannot be continued from: {@value}. */
    public static final String RECOVERY_FAILED = "recovery.failed";

    private final HubSettings settings;
    private final Hub hub;
    private final JsonRpcRouter router;
    private final BearerAuth auth;
    private final AddressLimits addressLimits;
    private final RateLimit rateLimit;
    private final ShuttleMetrics metrics;
    private final HubBridge bridge;
    private final HistoryStore store;
    private final WebSocketServer server;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private volatile Listener listener;

    private HubServer(HubSettings settings) {
        this.settings = settings;
        Hub.Builder hubBuilder = Hub.builder().maxRooms(1).roomKey(request -> ROOM);
        if (settings.history() > 0) {
            store = ScaleOut.history(settings.pubSub(), settings.history(), settings.historyMaxAge());
            bridge = null;
            hubBuilder.history(store).renderer(HubServer::withPosition).recoveryListener(new RecoveryListener() {
                @Override
                public void onRecoveryFailed(Room room, WebSocket member, HistoryRead.Gap gap) {
                    member.write(PreparedMessage.text(recoveryFailed(gap)));
                }
            });
        } else {
            store = null;
            bridge = ScaleOut.bridge(settings.pubSub());
        }
        this.hub = bridge != null ? bridge.attach(hubBuilder) : hubBuilder.build();
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
     * @param settings the settings
     * @param log where the start-up line goes
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HubServer start(HubSettings settings, PrintStream log) throws IOException {
        HubServer hubServer = new HubServer(settings);
        try {
            hubServer.listener = hubServer.server.listen(ListenerOptions.builder()
                    .address(new InetSocketAddress(settings.host(), settings.port()))
                    .httpHandler(hubServer.httpHandler())
                    .build());
        } catch (IOException | RuntimeException e) {
            hubServer.close(); // the broker connections
            throw e;
        }
        PubSubConfig pubSub = settings.pubSub();
        log.println("hub listening on ws://" + settings.host() + ":" + hubServer.port() + PATH
                + (settings.authEnabled() ? " (bearer tokens required)" : "")
                + (settings.rateLimitEnabled() ? " (rate limited)" : "")
                + (pubSub.enabled() ? " (pub/sub over " + pubSub.safeUrl() + ", channel " + pubSub.channel() + ")" : "")
                + (settings.history() > 0 ? " (history of " + settings.history() + " messages, ?since=EPOCH:OFFSET)" : ""));
        log.flush();
        return hubServer;
    }

    /**
     * What a delivered broadcast looks like with a history: the notification with its
     * {@code "position": {"epoch": "…", "offset": N}} beside its params. The body is the
     * router's compact JSON object, so the member is added before its closing brace; epochs
     * need no escaping ({@link Position}'s characters).
     */
    static PreparedMessage withPosition(String key, Position position, PreparedMessage body) {
        byte[] json = body.payload();
        int end = json.length - 1;
        if (body.isBinary() || end < 1 || json[end] != '}') {
            return body; // not a notification of ours: delivered as published
        }
        byte[] member = (",\"position\":{\"epoch\":\"" + position.epoch() + "\",\"offset\":" + position.offset() + "}}")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] rendered = Arrays.copyOf(json, end + member.length);
        System.arraycopy(member, 0, rendered, end, member.length);
        return PreparedMessage.textUtf8(rendered);
    }

    /**
     * The first message of a client whose {@code since} cannot be continued from:
     * {@code {"jsonrpc":"2.0","method":"recovery.failed","params":{"reason":"too_old","since":"E:N",
     * "position":{"epoch":"…","offset":N}}}}, the position being the room's now (live messages
     * follow it) and {@code since} {@code null} when the client's was not a position.
     */
    String recoveryFailed(HistoryRead.Gap gap) {
        ObjectNode params = router.mapper().createObjectNode();
        params.put("reason", gap.reason().name().toLowerCase(Locale.ROOT));
        params.put("since", gap.since() == null ? null : gap.since().toString());
        if (gap.current() != null) {
            params.putObject("position").put("epoch", gap.current().epoch()).put("offset", gap.current().offset());
        } else {
            params.putNull("position");
        }
        ObjectNode notification = router.mapper().createObjectNode().put("jsonrpc", "2.0").put("method", RECOVERY_FAILED);
        notification.set("params", params);
        return notification.toString();
    }

    /**
     * The upgrade chain, cheapest refusal first: the path (404), a shutdown (503), the per-address limits (429),
     * the bearer token (401/400), then the hub's room limit (503).
     *
     * @return the hook
     */
    UpgradeHook upgradeHook() {
        UpgradeHook checks = (request, attributes) -> {
            if (!PATH.equals(request.path())) {
                throw new UpgradeRejectedException(404, "not found");
            }
            if (shuttingDown.get()) {
                throw new UpgradeRejectedException(503, "shutting down");
            }
        };
        UpgradeHook chain = checks;
        if (addressLimits != null) {
            chain = then(chain, addressLimits);
        }
        if (auth != null) {
            chain = then(chain, auth);
        }
        return hub.upgradeHook(chain); // last: the room's limit (503), and the client's `since` kept for the join
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
        if (bridge != null) {
            bridge.close();
        }
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.getLogger(HubServer.class.getName()).log(System.Logger.Level.WARNING, "closing the history store", e);
            }
        }
    }

    /** {@return the bridge to the broker, or {@code null} (one instance, or a history that is shared by the broker)} */
    public HubBridge bridge() {
        return bridge;
    }

    /** {@return the history store, or {@code null} without {@code --history}} */
    public HistoryStore historyStore() {
        return store;
    }
}
