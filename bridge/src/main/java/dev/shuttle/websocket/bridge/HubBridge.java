package dev.shuttle.websocket.bridge;

import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.HubListener;
import dev.shuttle.websocket.hub.PublishListener;
import dev.shuttle.websocket.hub.Room;

/**
 * A {@link Hub} joined to a broker: every local publish is also sent to the broker, and what
 * other instances publish is delivered to this instance's members. Register the bridge on the
 * hub's builder as both listeners, then attach it:
 * <pre>{@code
 * NatsBridge bridge = NatsBridge.builder().url("nats://127.0.0.1:4222").channel("websocket.broadcast").build();
 * Hub hub = bridge.attach(Hub.builder().maxRooms(64));   // = publishListener(bridge).listener(bridge), build, attach
 * }</pre>
 * <p>
 * <b>Delivery.</b> Local members get a message at once (the hub does that); the broker gets it
 * in an {@link Envelope} carrying this instance's id, which every instance skips when its own
 * messages come back, so nothing is delivered twice. One drainer thread publishes on one
 * connection and one thread delivers what arrives, so the order per room and per publisher is
 * kept end to end. The broker's promise is <em>at most once</em>: a message published while the
 * broker is unreachable, or that a dying connection swallowed, is not retried.
 * <p>
 * <b>Never blocking a reader.</b> {@link #published} only offers to a bounded queue; beyond it the
 * message is counted as {@linkplain BridgeStats#lost lost} and logged (at most every 10 s).
 * <p>
 * <b>Broker loss.</b> A supervisor thread reconnects with {@link Backoff} (exponential, jittered),
 * then subscribes again to every room that has local members; local delivery goes on meanwhile
 * and what is published then is counted as lost. The supervisor subscribes exactly to the rooms
 * of {@link Hub#rooms()} (rooms with local members): the presence events only wake it early.
 */
public class HubBridge implements PublishListener, HubListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HubBridge.class.getName());
    private static final long LOST_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How often the supervisor looks at the connection and the rooms without being woken. */
    private static final long SUPERVISE_MILLIS = 200;

    private record Outgoing(String room, PreparedMessage message) {
    }

    private final BrokerLink link;
    private final UUID instance;
    private final EnvelopeCodec codec;
    private final Backoff backoff;
    private final BlockingQueue<Outgoing> outgoing;
    private final BlockingQueue<Envelope> inbound;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong sequence = new AtomicLong();

    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder skippedOwn = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder decodeErrors = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder inboundDropped = new LongAdder();
    private final AtomicLong lastLostLog = new AtomicLong(System.nanoTime() - LOST_LOG_EVERY_NANOS);
    private final AtomicLong lostSinceLog = new AtomicLong();

    /** Owned by the supervisor thread. */
    private final Set<String> subscribed = new HashSet<>();
    private volatile int subscribedCount;
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile Hub hub;
    private Thread supervisor;
    private Thread drainer;
    private Thread deliverer;

    /**
     * A bridge over a link.
     *
     * @param link the broker
     * @param settings the shared settings
     */
    protected HubBridge(BrokerLink link, BridgeBuilder<?> settings) {
        this.link = Objects.requireNonNull(link, "link");
        this.instance = settings.instanceId;
        this.codec = new EnvelopeCodec(settings.maxRoomBytes, settings.maxPayload);
        this.backoff = settings.backoff;
        this.outgoing = new ArrayBlockingQueue<>(settings.outgoingQueue);
        this.inbound = new ArrayBlockingQueue<>(settings.inboundQueue);
    }

    /**
     * Registers this bridge on a hub's builder as publish and presence listener, builds the hub
     * and attaches to it.
     *
     * @param builder the hub's builder
     * @return the hub
     */
    public Hub attach(Hub.Builder builder) {
        Hub h = builder.publishListener(this).listener(this).build();
        attach(h);
        return h;
    }

    /**
     * Starts bridging a hub whose builder got this bridge as {@link Hub.Builder#publishListener}
     * (and, to subscribe without delay, as {@link Hub.Builder#listener}); connects in the background.
     *
     * @param hub the hub
     * @return this bridge
     * @throws IllegalStateException when it is already attached or closed
     */
    public synchronized HubBridge attach(Hub hub) {
        Objects.requireNonNull(hub, "hub");
        if (this.hub != null || closed) {
            throw new IllegalStateException(closed ? "closed" : "already attached");
        }
        this.hub = hub;
        String name = "shuttle-bridge-" + instance.toString().substring(0, 8);
        deliverer = Thread.ofVirtual().name(name + "-deliver").start(this::deliverLoop);
        drainer = Thread.ofVirtual().name(name + "-publish").start(this::drainLoop);
        supervisor = Thread.ofVirtual().name(name + "-supervise").start(this::superviseLoop);
        return this;
    }

    // ---------------------------------------------------------------- hub side (any thread)

    @Override
    public void published(String key, PreparedMessage message, WebSocket sender) {
        if (closed || hub == null) {
            return;
        }
        if (!outgoing.offer(new Outgoing(key, message))) {
            lost(1, "the outgoing queue is full");
        }
    }

    @Override
    public void onRoomCreated(Room room) {
        wake.release();
    }

    @Override
    public void onRoomExpired(Room room) {
        wake.release();
    }

    // ---------------------------------------------------------------- publishing (drainer thread)

    private void drainLoop() {
        try {
            while (!closed) {
                publish(outgoing.take());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void publish(Outgoing o) {
        if (!link.isConnected()) {
            lost(1, "the broker is unreachable (" + link.describe() + ")");
            return;
        }
        PreparedMessage m = o.message();
        if (m.payload().length > codec.maxPayload() || o.room().isEmpty()
                || o.room().length() * 3 > codec.maxRoomBytes() && utf8Length(o.room()) > codec.maxRoomBytes()) {
            lost(1, "room or payload beyond the envelope's bounds");
            return;
        }
        byte[] bytes = codec.encode(new Envelope(instance, o.room(), sequence.incrementAndGet(), m.isBinary(), m.payload()));
        try {
            link.publish(o.room(), bytes, this::refused);
            published.increment();
        } catch (Exception e) {
            lost(1, "the broker refused a publish: " + e);
        }
    }

    private void refused() {
        published.decrement();
        lost(1, "the broker refused a publish");
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private void lost(long n, String why) {
        lost.add(n);
        lostSinceLog.addAndGet(n);
        long now = System.nanoTime();
        long last = lastLostLog.get();
        if (now - last >= LOST_LOG_EVERY_NANOS && lastLostLog.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "{0} message(s) not published to the broker (at most once): {1}",
                    lostSinceLog.getAndSet(0), why);
        }
    }

    // ---------------------------------------------------------------- receiving (link thread, then deliverer)

    private void arrived(String room, byte[] bytes) {
        Envelope e;
        try {
            e = codec.decode(bytes);
        } catch (MalformedEnvelopeException ex) {
            decodeError(ex.getMessage());
            return;
        }
        if (room != null && !room.equals(e.room())) {
            decodeError("envelope for room '" + e.room() + "' arrived on the subscription of another room");
            return;
        }
        received.increment();
        if (instance.equals(e.instance())) {
            skippedOwn.increment();
            return;
        }
        if (!inbound.offer(e)) {
            inboundDropped.increment();
        }
    }

    private void decodeError(String why) {
        decodeErrors.increment();
        LOG.log(System.Logger.Level.DEBUG, "dropped a malformed envelope: {0}", why);
    }

    private void deliverLoop() {
        try {
            while (!closed) {
                Envelope e = inbound.take();
                PreparedMessage m = e.binary() ? PreparedMessage.binary(e.payload()) : PreparedMessage.textUtf8(e.payload());
                try {
                    hub.deliverLocally(e.room(), m, null);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "local delivery of a bridged message failed", ex);
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    // ---------------------------------------------------------------- connection and subscriptions (supervisor thread)

    private void superviseLoop() {
        int attempt = 0;
        boolean everConnected = false;
        try {
            while (!closed) {
                if (!ready || !link.isConnected()) {
                    if (ready) {
                        LOG.log(System.Logger.Level.WARNING, "lost the broker {0}; reconnecting", link.describe());
                    }
                    ready = false;
                    subscribed.clear();
                    subscribedCount = 0;
                    link.disconnect();
                    try {
                        link.connect(this::arrived, wake::release);
                    } catch (Exception e) {
                        link.disconnect();
                        Duration d = backoff.delay(attempt++);
                        LOG.log(System.Logger.Level.DEBUG, "broker {0} unreachable ({1}); next try in {2} ms",
                                link.describe(), e, d.toMillis());
                        wake.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
                        continue;
                    }
                    if (everConnected) {
                        reconnects.increment();
                    }
                    everConnected = true;
                    attempt = 0;
                    ready = true;
                    LOG.log(System.Logger.Level.INFO, "connected to the broker {0}", link.describe());
                }
                reconcile();
                wake.tryAcquire(SUPERVISE_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            link.disconnect();
            ready = false;
        }
    }

    /** Subscribes to the rooms with local members and unsubscribes from the others. */
    private void reconcile() {
        Set<String> wanted = new HashSet<>();
        for (Room r : hub.rooms()) {
            if (!r.isExpired()) {
                wanted.add(r.key());
            }
        }
        try {
            for (String key : wanted) {
                if (!subscribed.contains(key)) {
                    link.subscribe(key);
                    subscribed.add(key);
                }
            }
            subscribed.removeIf(key -> {
                if (wanted.contains(key)) {
                    return false;
                }
                try {
                    link.unsubscribe(key);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return true;
            });
        } catch (Exception e) {
            // The connection is probably going: the next round reconnects or tries again.
            LOG.log(System.Logger.Level.DEBUG, "subscription change failed: {0}", e.toString());
        }
        subscribedCount = subscribed.size();
    }

    // ---------------------------------------------------------------- state

    /** {@return the id this instance puts in its envelopes} */
    public UUID instanceId() {
        return instance;
    }

    /** {@return whether the broker is connected and the rooms were subscribed on this connection at least once} */
    public boolean isConnected() {
        return ready && link.isConnected();
    }

    /** {@return the counters now} */
    public BridgeStats stats() {
        return new BridgeStats(published.sum(), received.sum(), skippedOwn.sum(), lost.sum(), decodeErrors.sum(),
                reconnects.sum(), inboundDropped.sum(), subscribedCount);
    }

    /** {@return the broker's address, without credentials} */
    public String broker() {
        return link.describe();
    }

    /**
     * Stops bridging: what still waits in the outgoing queue is counted as lost, the connection
     * is closed. Local delivery in the hub goes on. Idempotent.
     */
    @Override
    public void close() {
        Thread[] threads;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            threads = new Thread[] {supervisor, drainer, deliverer};
        }
        for (Thread t : threads) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            if (t != null) {
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int left = outgoing.size();
        outgoing.clear();
        if (left > 0) {
            lost(left, "the bridge was closed");
        }
        link.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + instance + " -> " + link.describe() + ", " + stats() + "]";
    }
}
