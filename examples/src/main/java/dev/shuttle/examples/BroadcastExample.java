package dev.shuttle.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.bridge.PubSubConfig;
import dev.shuttle.websocket.hub.HistoryRead;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.hub.RecoveryListener;
import dev.shuttle.websocket.hub.Room;

/**
 * Every message any client sends goes to every connected client, the sender included (text as
 * text, binary as binary), and the server adds "tick N" every second from its own timer thread,
 * to its own clients only. The clients are the members of one {@link Hub} room: each message is
 * framed once and the same bytes are queued on every connection, so a broadcast costs one
 * encoding whatever the number of clients.
 * <p>
 * With {@code --pubsub} the room spans every instance on the broker ({@link ScaleOut}). With {@code --history N} each message is delivered as
 * {@code EPOCH:OFFSET|message} (the page keeps the last position and reconnects with
 * {@code ?since=EPOCH:OFFSET}, getting what it missed first); a position the history cannot
 * continue from is answered with a first message {@code recovery.failed REASON EPOCH:OFFSET},
 * live messages continuing after that position.
 */
public final class BroadcastExample extends Example {
    static final String ROOM = "broadcast";
    private static final System.Logger LOG = System.getLogger(BroadcastExample.class.getName());
    /** Always with seconds: LocalTime.toString() drops ":00" on the minute. */
    private static final DateTimeFormatter TICK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final AtomicLong ticks = new AtomicLong();
    private final AtomicReference<Ticker> ticker = new AtomicReference<>();
    private final HubBridge bridge;
    private final HistoryStore store;
    private final Hub hub;
    private final WebSocketServer server;

    /** One instance, no history. */
    public BroadcastExample() {
        this(PubSubConfig.LOCAL, 0);
    }

    /**
     * @param pubSub the broker the room spans, or {@link PubSubConfig#LOCAL}
     * @param history messages kept for clients that reconnect, 0 for none
     */
    public BroadcastExample(PubSubConfig pubSub, int history) {
        Hub.Builder builder = Hub.builder().maxRooms(1).roomKey(request -> ROOM).reflexive(true);
        if (history > 0) {
            store = ScaleOut.history(pubSub, history, Duration.ofMinutes(10));
            bridge = null;
            builder.history(store).renderer(BroadcastExample::withPosition).recoveryListener(new RecoveryListener() {
                @Override
                public void onRecoveryFailed(Room room, WebSocket member, HistoryRead.Gap gap) {
                    member.write(PreparedMessage.text("recovery.failed " + gap.reason().name().toLowerCase(Locale.ROOT)
                            + " " + gap.current()));
                }
            });
        } else {
            store = null;
            bridge = ScaleOut.bridge(pubSub);
        }
        hub = bridge != null ? bridge.attach(builder) : builder.build();
        WebSocketHandler relay = hub.relay();
        server = WebSocketServer.builder()
                .upgradeHook(hub.upgradeHook(null))
                .handler(new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket c) {
                        System.out.println("open " + describe(c.remoteAddress()));
                        relay.onOpen(c);
                    }

                    // Runs on the sender's reader thread: publishing only enqueues, so a slow
                    // receiver never holds up the sender (the hub's slow-consumer policy applies).
                    @Override
                    public void onData(WebSocket c, boolean isBinary, byte[] data) {
                        relay.onData(c, isBinary, data);
                    }

                    @Override
                    public void onClose(WebSocket c, int code, String reason, Throwable cause) {
                        relay.onClose(c, code, reason, cause);
                        System.out.println("close " + describe(c.remoteAddress()) + " " + code);
                    }
                })
                .build();
    }

    /** {@code EPOCH:OFFSET|} before the message, text or binary alike. */
    static PreparedMessage withPosition(String key, Position position, PreparedMessage body) {
        byte[] prefix = (position + "|").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = body.payload();
        byte[] rendered = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, rendered, 0, prefix.length);
        System.arraycopy(payload, 0, rendered, prefix.length, payload.length);
        return body.isBinary() ? PreparedMessage.binary(rendered) : PreparedMessage.textUtf8(rendered);
    }

    @Override
    public WebSocketServer server() {
        return server;
    }

    /** {@return the room's hub} */
    public Hub hub() {
        return hub;
    }

    /** Queues one message on every open connection of this instance; returns how many accepted it. */
    int broadcast(PreparedMessage message) {
        return server.broadcast(message);
    }

    @Override
    void startTimers() {
        ticker.set(new Ticker("broadcast-tick", Duration.ofSeconds(1), () -> broadcast(PreparedMessage.text(
                "tick " + ticks.incrementAndGet() + " " + LocalTime.now().format(TICK_TIME)))));
    }

    @Override
    void stopTimers() {
        Ticker t = ticker.getAndSet(null);
        if (t != null) {
            t.close();
        }
    }

    @Override
    void stopped() {
        if (bridge != null) {
            bridge.close();
        }
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the history store", e);
            }
        }
    }

    @Override
    String title() {
        return "Shuttle broadcast";
    }

    @Override
    String explanation() {
        return "Every message anyone sends reaches every connected page; the server adds a tick every second. "
                + "Open this page in two tabs.";
    }
}
