package dev.shuttle.websocket.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;

/**
 * What a history store in a broker does the same on every broker: appends go through a bounded
 * queue to one drainer thread that wraps each in an {@link Envelope} and hands it to
 * {@link #store} (a full queue, an oversized message or a failed store is counted as lost: at
 * most once); one follower thread ({@link #followLoop}) reads what the broker sequenced and
 * passes each envelope to {@link #deliver}, which finds the publishing connection on this
 * instance and calls {@link Hub#deliverAt}; the counters; and closing in that order.
 */
public abstract class BrokerHistory implements HistoryStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrokerHistory.class.getName());

    private record Append(String key, PreparedMessage body, WebSocket sender) {
    }

    /** This instance's id in its envelopes. */
    protected final UUID instance;
    /** The envelope codec, with the builder's room and payload limits. */
    protected final EnvelopeCodec codec;
    /** Appends the broker took. */
    protected final LongAdder appended = new LongAdder();
    /** Appends that never reached the broker. */
    protected final LongAdder lost = new LongAdder();
    /** Times live following skipped offsets (removed before they were read). */
    protected final LongAdder liveGaps = new LongAdder();
    /** Entries that were no valid envelope of their room. */
    protected final LongAdder decodeErrors = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final BlockingQueue<Append> appends;
    /** Senders of this instance's appends not delivered yet, by message id (see {@link #forgetClosedSenders}). */
    private final ConcurrentHashMap<Long, WebSocket> senders = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final String threadName;
    private volatile Hub hub;
    /** Set once by {@link #close()}; the threads end on it. */
    protected volatile boolean closed;
    private Thread drainer;
    private Thread follower;

    /**
     * Takes the shared settings.
     *
     * @param b the builder
     * @param threadName the prefix of the two threads' names
     */
    protected BrokerHistory(HistoryBuilder<?> b, String threadName) {
        this.instance = b.instanceIdValue();
        this.codec = new EnvelopeCodec(b.maxRoomBytesValue(), b.maxPayloadValue());
        this.appends = new ArrayBlockingQueue<>(b.outgoingQueueValue());
        this.threadName = threadName;
    }

    /** Starts the drainer and the follower for this hub. */
    @Override
    public final synchronized void attach(Hub hub) {
        if (this.hub != null) {
            throw new IllegalStateException("a " + getClass().getSimpleName() + " serves one hub");
        }
        this.hub = Objects.requireNonNull(hub, "hub");
        drainer = Thread.ofVirtual().name(threadName + "-append").start(this::drainLoop);
        follower = Thread.ofVirtual().name(threadName + "-follow").start(this::followLoop);
    }

    /** {@return the hub served, {@code null} before {@link #attach}} */
    protected final Hub hub() {
        return hub;
    }

    @Override
    public final void append(String key, PreparedMessage body, WebSocket sender) {
        if (closed || !appends.offer(new Append(key, body, sender))) {
            lost.increment();
            LOG.log(System.Logger.Level.DEBUG, "history append lost: queue full or closed");
        }
    }

    private void drainLoop() {
        try {
            while (!closed) {
                Append a = appends.take();
                if (a.body().payload().length > codec.maxPayload()
                        || a.key().getBytes(StandardCharsets.UTF_8).length > codec.maxRoomBytes()) {
                    lost.increment();
                    continue;
                }
                long id = sequence.incrementAndGet();
                byte[] envelope = codec.encode(new Envelope(instance, a.key(), id, a.body().isBinary(), a.body().payload()));
                if (a.sender() != null) {
                    senders.put(id, a.sender());
                }
                store(a.key(), envelope, id);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /**
     * On the drainer: has the broker sequence an envelope at the room's next offset; counts it
     * in {@link #appended} once the broker took it, or calls {@link #failed}.
     *
     * @param key the room's key
     * @param envelope the encoded envelope
     * @param id its message id (for {@link #failed})
     */
    protected abstract void store(String key, byte[] envelope, long id);

    /**
     * An append that will not be delivered: counted as lost and its sender forgotten.
     *
     * @param id the message id
     * @param e why
     */
    protected final void failed(long id, Throwable e) {
        senders.remove(id);
        lost.increment();
        LOG.log(System.Logger.Level.DEBUG, "history append failed: {0}", e.toString());
    }

    /**
     * Forgets the senders that closed before their message came back (a message of a room this
     * instance stopped following never does): the follower calls it now and then, so the map
     * holds open connections only.
     */
    protected final void forgetClosedSenders() {
        senders.values().removeIf(ws -> !ws.isOpen());
    }

    /** The follower thread's work until {@link #closed}: read what the broker sequenced and {@link #deliver} it in offset order. */
    protected abstract void followLoop();

    /**
     * Delivers a sequenced envelope to this instance's members, with the publishing connection
     * as sender when it was published here; an entry that is no envelope of this room is counted
     * in {@link #decodeErrors}.
     *
     * @param key the room's key
     * @param position its position
     * @param envelope the encoded envelope
     */
    protected final void deliver(String key, Position position, byte[] envelope) {
        Envelope e;
        try {
            e = codec.decode(envelope);
        } catch (MalformedEnvelopeException ex) {
            decodeErrors.increment();
            return;
        }
        if (!e.room().equals(key)) {
            decodeErrors.increment();
            return;
        }
        WebSocket sender = instance.equals(e.instance()) ? senders.remove(e.messageId()) : null;
        try {
            hub.deliverAt(key, position, hub.render(key, position, body(e)), sender);
            delivered.increment();
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "delivery from the history failed", ex);
        }
    }

    /**
     * The published message an envelope carries.
     *
     * @param e the envelope
     * @return its body, text or binary
     */
    protected static PreparedMessage body(Envelope e) {
        return e.binary() ? PreparedMessage.binary(e.payload()) : PreparedMessage.textUtf8(e.payload());
    }

    /** {@return appends the broker took} */
    public long appended() {
        return appended.sum();
    }

    /** {@return appends that never reached the broker (queue full, broker unreachable or refusing)} */
    public long lost() {
        return lost.sum();
    }

    /** {@return messages delivered from the broker to the local hub} */
    public long delivered() {
        return delivered.sum();
    }

    /** {@return entries that were no valid envelope of their room} */
    public long decodeErrors() {
        return decodeErrors.sum();
    }

    /** {@return times live following skipped offsets (removed before they were read)} */
    public long liveGaps() {
        return liveGaps.sum();
    }

    /** Stops both threads (what still waits to be appended is counted as lost), then {@link #closeBroker}. */
    @Override
    public final void close() {
        closed = true;
        for (Thread t : new Thread[] {drainer, follower}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        lost.add(appends.size());
        appends.clear();
        closeBroker();
    }

    /** Releases the broker's connections and whatever follows the rooms; after both threads ended. */
    protected abstract void closeBroker();
}
