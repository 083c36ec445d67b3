package dev.shuttle.websocket.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import dev.shuttle.websocket.bridge.Backoff;
import dev.shuttle.websocket.bridge.BrokerHistory;
import dev.shuttle.websocket.bridge.HistoryBuilder;
import dev.shuttle.websocket.bridge.Envelope;
import dev.shuttle.websocket.bridge.MalformedEnvelopeException;
import dev.shuttle.websocket.hub.HistoryEntry;
import dev.shuttle.websocket.hub.HistoryRead;
import dev.shuttle.websocket.hub.HistoryStore;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.hub.Position;
import dev.shuttle.websocket.hub.Room;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;

/**
 * A cluster-wide room history in NATS JetStream: the {@link HistoryStore} of every instance's
 * hub, which then needs no {@link NatsBridge} (the stream carries the messages between instances).
 * <p>
 * <b>Layout.</b> One stream per channel, named {@code SHUTTLE_HISTORY_<channel>_<hash>} (the
 * channel with every character but {@code A-Z a-z 0-9 _ -} made {@code _}, and 8 hex digits of
 * its SHA-256 so that {@code a.b} and {@code a_b} get different streams), over the subjects
 * {@code CHANNEL.history.<base64url(room)>} (see {@link NatsSubjects}), with
 * {@code MaxMsgsPerSubject = maxCount} and {@code MaxAge = maxAge}. File storage by default, so
 * that a nats-server restart keeps the history (memory storage, {@link Builder#memoryStorage},
 * loses it on a restart, and clients are then told of a new epoch). The first instance that needs
 * the stream creates it with its limits; an instance whose limits differ uses the stream's and
 * logs a warning. Streams are few and heavy (a store, in a cluster a Raft group), rooms are many
 * and come and go, hence one stream for all rooms rather than one per room.
 * <p>
 * <b>Offsets and epochs.</b> JetStream numbers a stream's messages, not a subject's, so each
 * message carries its room's position in the headers {@code Shuttle-Epoch} and
 * {@code Shuttle-Offset} (the body is the bridge {@link Envelope}). An append publishes offset
 * {@code N+1} with {@code Nats-Expected-Last-Subject-Sequence} set to the stream sequence of the
 * room's last message (offset {@code N}): the server stores it only if no other message of the
 * room came in between, so the server is the one point that orders a room, and offsets are
 * consecutive across instances. An instance that loses that race (error 10071, wrong last
 * sequence) reads the room's last message again and retries, for at most the
 * {@linkplain Builder#timeout timeout}; it remembers the last message it stored per room, so an
 * uncontended append is one round trip. The per-subject limit never removes a subject's last
 * message, so the chain holds while the room is alive.
 * <p>
 * The epoch is random, chosen when a room's history begins: when its subject has no message
 * (never had one, all expired after {@code maxAge}, or the stream is new because nats-server
 * lost its store), the next append or {@link #head} begins it, again guarded by the expected
 * subject sequence {@code 0}, so one instance's epoch wins. {@code head} and following store an
 * empty marker message at offset 0 for that, so that a client that takes the head of an empty
 * room keeps a valid position; appends need none. A client of a lost history is then told
 * {@link HistoryRead.Reason#EPOCH_CHANGED}, as with {@code RedisHistory}.
 * <p>
 * <b>Delivery.</b> Appends go through a bounded queue drained by one virtual thread, one publish
 * at a time (a full queue, a refused or unanswered publish is counted as lost: at most once; a
 * publish that timed out may still have been stored, and is then delivered). Each instance
 * follows, with one ordered consumer per room (filtered to the room's subject; nats-server 2.9
 * takes one filter per consumer), the rooms that have local members, from the stream sequence
 * of the room's last message when it began to follow it. All of them deliver on one dispatcher
 * thread, in stream order and so in offset order, with {@link Hub#deliverAt}, the publishing
 * connection as sender on the publisher's instance. A {@link #read} first begins to follow the
 * room, which fixes where live delivery starts, so what it does not return is delivered live: no
 * gap at the switch. jnats reconnects (no reconnect buffer: a publish while disconnected fails at
 * once). A supervisor thread follows {@link Hub#rooms()}; after a reconnect it begins every
 * room's consumer again after the last message that room's consumer saw (jnats would notice a
 * lost server-side consumer only after missed heartbeats), and every second, and after a
 * reconnect, it checks the stream: when it was created again (a server that lost its store), it
 * begins following every room again from its new history.
 * <p>
 * A read finds the stream sequence where to start from the room's first kept message (offsets
 * are consecutive, so {@code first.seq + (after + 1 - first.offset)} is a lower bound) and reads
 * the room's messages from there with a short-lived ordered consumer, skipping those it has.
 */
public final class JetStreamHistory extends BrokerHistory {
    private static final System.Logger LOG = System.getLogger(JetStreamHistory.class.getName());
    static final String EPOCH_HEADER = "Shuttle-Epoch";
    static final String OFFSET_HEADER = "Shuttle-Offset";
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final int NO_MESSAGE_FOUND = 10037;
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int STREAM_NAME_IN_USE = 10058;
    private static final long RECONCILE_MILLIS = 100;
    private static final long STREAM_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a room a read asked about, without local members, stays followed. */
    private static final long READ_FOLLOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Rooms whose last stored message the drainer remembers. */
    private static final int TAILS = 4096;
    private static final byte[] EMPTY = new byte[0];

    /** A room's last message: its stream sequence and its position (0 for an epoch marker). */
    private record Tail(long seq, String epoch, long offset) {
    }

    /** Where a room's next consumer begins, and the generation its messages count for. */
    private record Resume(long seq, long generation) {
    }

    /**
     * A room this instance follows. Its consumer may be replaced (after a reconnect) while the
     * room's position goes on: each consumer has a generation, and only the current one's
     * messages count. The lock is held for one message's delivery, never across a request.
     */
    private static final class Followed {
        final String key;
        final long since = System.nanoTime();
        final ReentrantLock lock = new ReentrantLock();
        volatile boolean seenInHub;
        volatile boolean stopped;
        volatile boolean started;
        // Guarded by lock.
        long generation;
        MessageConsumer consumer;
        String epoch;
        /** The offset delivered last (or begun after). */
        long last;
        /** The stream sequence of the room's message seen last (or begun after). */
        long lastSeq;

        Followed(String key, Tail t) {
            this.key = key;
            this.epoch = t.epoch();
            this.last = t.offset();
            this.lastSeq = t.seq();
        }

        /** Ends the current consumer; {@return where the next one begins, and its generation} */
        Resume retire() {
            MessageConsumer old;
            Resume next;
            lock.lock();
            try {
                old = consumer;
                consumer = null;
                next = new Resume(lastSeq + 1, ++generation);
            } finally {
                lock.unlock();
            }
            stopQuietly(old);
            return next;
        }

        /** Installs a consumer of a generation, unless a later one or a stop came first. */
        void install(MessageConsumer c, long generation) {
            boolean current;
            lock.lock();
            try {
                current = !stopped && this.generation == generation;
                if (current) {
                    consumer = c;
                }
            } finally {
                lock.unlock();
            }
            if (current) {
                started = true;
            } else {
                stopQuietly(c);
            }
        }

        void stop() {
            stopped = true;
            retire();
        }

        private static void stopQuietly(MessageConsumer c) {
            if (c != null) {
                try {
                    c.stop();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "stopping a consumer failed: {0}", e.toString());
                }
            }
        }
    }

    private final NatsSubjects subjects;
    private final String streamName;
    private final int maxCount;
    private final Duration maxAge;
    private final Duration timeout;
    private final StorageType storage;
    private final int replicas;
    private final Backoff backoff;
    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Dispatcher dispatcher;
    private final ConcurrentHashMap<String, Followed> followed = new ConcurrentHashMap<>();
    /** Serialises beginning to follow (a read and the supervisor may ask for the same room). */
    private final ReentrantLock followLock = new ReentrantLock();
    /** Owned by the drainer thread. */
    private final Map<String, Tail> tails = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tail> eldest) {
            return size() > TAILS;
        }
    };
    /** Raised on a reconnect and a stream reset: the drainer then forgets its tails (the stream may be new). */
    private final AtomicLong tailsGeneration = new AtomicLong();
    private long tailsSeen; // drainer
    private final LongAdder streamResets = new LongAdder();
    private volatile StreamContext stream;
    /** When the stream was created, as last seen; owned by the supervisor. */
    private ZonedDateTime streamCreated;
    private volatile boolean checkStreamNow;
    /** Set on a reconnect: every room's consumer is begun again after what it delivered. */
    private volatile boolean resumeNow;

    private JetStreamHistory(Builder b) {
        super(b, "shuttle-jetstream-history");
        this.subjects = new NatsSubjects(b.channelName() + ".history");
        this.streamName = streamName(b.channelName());
        this.maxCount = b.maxCountValue();
        this.maxAge = b.maxAgeValue();
        this.timeout = b.timeoutValue();
        this.storage = b.memory ? StorageType.Memory : StorageType.File;
        this.replicas = b.replicas;
        this.backoff = b.backoffValue();
        Options options = new Options.Builder()
                .server(b.brokerUrl())
                .connectionName("shuttle-history")
                .connectionTimeout(b.timeoutValue())
                .maxReconnects(-1)
                .reconnectDelayHandler(attempt -> backoff.delay((int) Math.min(attempt, 30)))
                .reconnectBufferSize(0) // fail a publish at once while disconnected: counted as lost
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void connectionEvent(Connection c, Events type) {
                        if (type == Events.RECONNECTED) {
                            tailsGeneration.incrementAndGet();
                            resumeNow = true;
                        }
                    }
                })
                .errorListener(new DebugErrors(LOG))
                .build();
        JetStreamOptions jso = JetStreamOptions.builder().requestTimeout(b.timeoutValue()).build();
        try {
            this.connection = Nats.connect(options);
            this.js = connection.jetStream(jso);
            this.jsm = connection.jetStreamManagement(jso);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + b.brokerUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
        }
        this.dispatcher = connection.createDispatcher();
        try {
            streamCreated = ensureStream().getCreateTime();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot create or find the stream " + streamName, e);
        }
    }

    /** {@return a builder; {@link Builder#url} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The stream of a channel: {@code SHUTTLE_HISTORY_}, the channel (at most 64 characters of it)
     * with every character but {@code A-Z a-z 0-9 _ -} made {@code _}, then {@code _} and 8 hex
     * digits of the channel's SHA-256, so that channels that read alike get different streams.
     */
    static String streamName(String channel) {
        StringBuilder s = new StringBuilder("SHUTTLE_HISTORY_");
        for (int i = 0; i < Math.min(channel.length(), 64); i++) {
            char c = channel.charAt(i);
            boolean safe = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            s.append(safe ? c : '_');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(channel.getBytes(StandardCharsets.UTF_8));
            return s.append('_').append(HexFormat.of().formatHex(hash, 0, 4)).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // ---------------------------------------------------------------- the stream

    private StreamConfiguration configuration() {
        return StreamConfiguration.builder()
                .name(streamName)
                .subjects(subjects.all())
                .maxMessagesPerSubject(maxCount)
                .maxAge(maxAge)
                .storageType(storage)
                .replicas(replicas)
                .build();
    }

    /** Finds the stream, or creates it; an existing one keeps its limits (a warning when they differ). */
    private StreamInfo ensureStream() throws IOException, JetStreamApiException {
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(streamName);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            try {
                info = jsm.addStream(configuration());
                LOG.log(System.Logger.Level.INFO, "created the stream {0} ({1})", streamName, storage);
            } catch (JetStreamApiException raced) {
                if (raced.getApiErrorCode() != STREAM_NAME_IN_USE) {
                    throw raced;
                }
                info = jsm.getStreamInfo(streamName); // another instance created it first
            }
        }
        StreamConfiguration c = info.getConfiguration();
        if (!c.getSubjects().equals(List.of(subjects.all()))) {
            throw new IllegalStateException("the stream " + streamName + " holds " + c.getSubjects()
                    + ", not " + subjects.all());
        }
        if (c.getMaxMsgsPerSubject() != maxCount || !maxAge.equals(c.getMaxAge())) {
            LOG.log(System.Logger.Level.WARNING, "the stream {0} keeps {1} messages for {2} per room; this instance asked for {3} for {4}",
                    streamName, c.getMaxMsgsPerSubject(), c.getMaxAge(), maxCount, maxAge);
        }
        stream = js.getStreamContext(streamName);
        return info;
    }

    /**
     * Supervisor: a stream created again (nats-server lost its store) begins every room again.
     *
     * @return whether it was
     */
    private boolean checkStream() throws IOException, JetStreamApiException {
        ZonedDateTime created = ensureStream().getCreateTime();
        boolean reset = streamCreated != null && !streamCreated.equals(created);
        if (reset) {
            LOG.log(System.Logger.Level.INFO, "the stream {0} was created again: its history was lost", streamName);
            streamResets.increment();
            tailsGeneration.incrementAndGet();
            followed.values().forEach(Followed::stop);
            followed.clear();
        }
        streamCreated = created;
        return reset;
    }

    // ---------------------------------------------------------------- positions in headers

    /** {@return the position a message carries, or {@code null} when it carries none} */
    private static Position stamp(Headers h) {
        if (h == null) {
            return null;
        }
        String epoch = h.getFirst(EPOCH_HEADER);
        String offset = h.getFirst(OFFSET_HEADER);
        if (epoch == null || offset == null) {
            return null;
        }
        try {
            return new Position(epoch, Long.parseLong(offset));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Headers headers(String epoch, long offset) {
        return new Headers().put(EPOCH_HEADER, epoch).put(OFFSET_HEADER, Long.toString(offset));
    }

    private PublishOptions expecting(long lastSubjectSequence) {
        return PublishOptions.builder()
                .expectedStream(streamName)
                .expectedLastSubjectSequence(lastSubjectSequence)
                .build();
    }

    /** {@return the subject's last message, or {@code null} when it has none} */
    private MessageInfo lastMessage(String subject) throws IOException, JetStreamApiException {
        try {
            return jsm.getLastMessage(streamName, subject);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The room's last message. When the room has none, or its last one carries no position (a
     * foreign publish), its history begins anew: with {@code begin} this stores the epoch marker
     * (or reads the one a racing instance stored); without, it answers the tail to publish
     * offset 1 of a new epoch after.
     */
    private Tail tail(String key, boolean begin) throws IOException, JetStreamApiException {
        String subject = subjects.subject(key);
        for (int attempt = 0; ; attempt++) {
            MessageInfo last = lastMessage(subject);
            Position p = last == null ? null : stamp(last.getHeaders());
            if (p != null) {
                return new Tail(last.getSeq(), p.epoch(), p.offset());
            }
            if (last != null) {
                decodeErrors.increment();
            }
            long after = last == null ? 0 : last.getSeq();
            String epoch = newEpoch();
            if (!begin) {
                return new Tail(after, epoch, 0);
            }
            try {
                PublishAck ack = js.publish(subject, headers(epoch, 0), EMPTY, expecting(after));
                return new Tail(ack.getSeqno(), epoch, 0);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE || attempt >= 16) {
                    throw e;
                }
                // another instance began it (or appended) first: read again
            }
        }
    }

    // ---------------------------------------------------------------- append (publisher thread, then drainer)

    /** Drainer: publishes at the room's next offset, again while another instance was first. */
    @Override
    protected void store(String key, byte[] envelope, long id) {
        String subject = subjects.subject(key);
        long deadline = System.nanoTime() + timeout.toNanos();
        long generation = tailsGeneration.get();
        if (generation != tailsSeen) {
            // A new stream numbers from 1 again: a remembered sequence could match by chance and
            // continue the old epoch there.
            tails.clear();
            tailsSeen = generation;
        }
        while (true) {
            try {
                Tail t = tails.get(key);
                if (t == null) {
                    t = tail(key, false);
                }
                long offset = t.offset() + 1;
                PublishAck ack = js.publish(subject, headers(t.epoch(), offset), envelope, expecting(t.seq()));
                tails.put(key, new Tail(ack.getSeqno(), t.epoch(), offset));
                appended.increment();
                return;
            } catch (JetStreamApiException e) {
                tails.remove(key);
                if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE && System.nanoTime() < deadline && !closed) {
                    continue; // another instance appended first: read the room's last message again
                }
                failed(id, e);
                return;
            } catch (IOException | RuntimeException e) {
                tails.remove(key);
                checkStreamNow = true; // no stream any more, say
                failed(id, e);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- following the rooms

    /** The joining thread fixes where the room's live delivery starts, so the member misses nothing published after its join. */
    @Override
    public void joined(String key) {
        if (closed) {
            return;
        }
        try {
            follow(key);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            // NATS unreachable: the supervisor follows the room when it can; until then the member may miss messages.
            LOG.log(System.Logger.Level.DEBUG, "following a room on join failed: {0}", e.toString());
        }
    }

    /** Begins to follow a room after its last message now, unless it is followed already. */
    private Followed follow(String key) throws IOException, JetStreamApiException {
        Followed f = followed.get(key);
        if (f != null) {
            return f;
        }
        followLock.lock();
        try {
            f = followed.get(key);
            if (f != null) {
                return f;
            }
            Followed started = new Followed(key, tail(key, true));
            followed.put(key, started);
            try {
                consume(started);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                followed.remove(key, started);
                started.stop();
                throw e;
            }
            return started;
        } finally {
            followLock.unlock();
        }
    }

    /** Begins a (new) consumer of the room after the last message it saw. */
    private void consume(Followed f) throws IOException, JetStreamApiException {
        Resume next = f.retire();
        MessageConsumer c = stream.createOrderedConsumer(new OrderedConsumerConfiguration()
                        .filterSubject(subjects.subject(f.key))
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(next.seq()))
                .consume(dispatcher, m -> onLive(f, next.generation(), m));
        f.install(c, next.generation());
    }

    /**
     * After a reconnect: jnats' ordered consumers notice a lost server-side consumer only after
     * missed heartbeats (many seconds), so every room's consumer is begun again at once, after
     * the last message it saw; its position goes on, nothing twice.
     */
    private void resumeAll() throws IOException, JetStreamApiException {
        for (Followed f : followed.values()) {
            if (!f.stopped) {
                consume(f);
            }
        }
    }

    @Override
    protected void followLoop() {
        int attempt = 0;
        long checked = System.nanoTime();
        while (!closed) {
            try {
                boolean resume = resumeNow;
                if (resume || checkStreamNow || System.nanoTime() - checked > STREAM_CHECK_NANOS) {
                    resumeNow = false;
                    checkStreamNow = false;
                    checked = System.nanoTime();
                    if (!checkStream() && resume) {
                        resumeAll();
                    }
                }
                reconcile();
                attempt = 0;
                Thread.sleep(RECONCILE_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "following the rooms failed: {0}", e.toString());
                checkStreamNow = true;
                resumeNow = true; // a consumer may have been retired without a successor
                try {
                    Thread.sleep(backoff.delay(attempt++).toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Follows exactly the rooms with local members (and, for a while, rooms a read asked about). */
    private void reconcile() throws IOException, JetStreamApiException {
        Set<String> wanted = new HashSet<>();
        for (Room r : hub().rooms()) {
            if (!r.isExpired()) {
                wanted.add(r.key());
            }
        }
        for (String key : wanted) {
            follow(key).seenInHub = true;
        }
        long now = System.nanoTime();
        followed.values().removeIf(f -> {
            boolean drop = !wanted.contains(f.key) && (f.seenInHub || now - f.since > READ_FOLLOW_NANOS);
            if (drop) {
                f.stop();
            }
            return drop;
        });
        forgetClosedSenders();
    }

    /** Dispatcher thread: one room's messages in stream order. */
    private void onLive(Followed f, long generation, Message m) {
        f.lock.lock();
        try {
            if (f.stopped || f.generation != generation) {
                return; // a retired consumer's: its successor begins after what counted
            }
            f.lastSeq = m.metaData().streamSequence();
            Position p = stamp(m.getHeaders());
            if (p == null) {
                decodeErrors.increment();
                return;
            }
            if (!p.epoch().equals(f.epoch)) {
                // The room's history began again (it expired, or a foreign message broke the chain).
                f.epoch = p.epoch();
                f.last = 0;
            }
            if (p.offset() <= f.last) {
                return; // a marker, or had already
            }
            if (p.offset() != f.last + 1) {
                liveGaps.increment(); // removed (age, count) before this consumer read it
            }
            f.last = p.offset();
            deliver(f.key, p, m.getData());
        } finally {
            f.lock.unlock();
        }
    }

    // ---------------------------------------------------------------- read and head (any thread)

    /**
     * {@inheritDoc}
     * <p>
     * Begins the room's history (its epoch) when it has none.
     *
     * @throws UncheckedIOException when JetStream cannot be asked
     */
    @Override
    public Position head(String key) {
        try {
            Tail t = tail(key, true);
            return new Position(t.epoch(), t.offset());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the head of a room failed", e);
        } catch (JetStreamApiException e) {
            throw new UncheckedIOException(new IOException("reading the head of a room failed", e));
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException when JetStream cannot be asked
     */
    @Override
    public HistoryRead read(String key, Position after, int max) {
        try {
            // Fix where live delivery starts before reading: what this read misses, live delivery has.
            follow(key);
            Tail last = tail(key, true);
            Position current = new Position(last.epoch(), last.offset());
            if (!current.epoch().equals(after.epoch())) {
                return new HistoryRead.Gap(HistoryRead.Reason.EPOCH_CHANGED, after, current);
            }
            if (after.offset() > current.offset()) {
                return new HistoryRead.Gap(HistoryRead.Reason.UNKNOWN_POSITION, after, current);
            }
            if (after.offset() == current.offset()) {
                return new HistoryRead.Entries(List.of());
            }
            String subject = subjects.subject(key);
            MessageInfo first = jsm.getFirstMessage(streamName, subject);
            Position f = stamp(first.getHeaders());
            long from = first.getSeq();
            if (f != null && f.epoch().equals(current.epoch())) {
                if (f.offset() > after.offset() + 1) {
                    return new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, after, current);
                }
                from += after.offset() + 1 - f.offset();
            }
            List<HistoryEntry> entries = range(key, subject, Math.min(from, last.seq()), last.seq(), after, max);
            if (entries.isEmpty() || entries.get(0).position().offset() != after.offset() + 1) {
                return new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, after, current);
            }
            return new HistoryRead.Entries(entries);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, after, null); // expired meanwhile
            }
            throw new UncheckedIOException(new IOException("reading a room's history failed", e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a room's history failed", e);
        }
    }

    /**
     * The room's consecutive messages of {@code after}'s epoch after it, from stream sequence
     * {@code from} up to {@code to} (the room's last message when the read began), at most {@code max}.
     */
    private List<HistoryEntry> range(String key, String subject, long from, long to, Position after, int max)
            throws IOException, JetStreamApiException {
        List<HistoryEntry> entries = new ArrayList<>(Math.min(max, 256));
        // The messages before the one after 'after' are at most its offset minus the first's: bounded by maxCount.
        int fetch = (int) Math.min(Integer.MAX_VALUE, Math.min(to - from + 1, (long) max + maxCount + 1));
        FetchConsumer fc = stream.createOrderedConsumer(new OrderedConsumerConfiguration()
                        .filterSubject(subject)
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(from))
                .fetch(FetchConsumeOptions.builder().maxMessages(fetch).noWaitExpiresIn(timeout.toMillis()).build());
        try {
            long cursor = after.offset();
            Message m;
            while (entries.size() < max && (m = fc.nextMessage()) != null) {
                Position p = stamp(m.getHeaders());
                if (p == null || !p.epoch().equals(after.epoch())) {
                    if (p == null) {
                        decodeErrors.increment();
                    }
                    if (!entries.isEmpty()) {
                        break; // the chain is broken: what we have is whole
                    }
                    continue;
                }
                if (p.offset() <= cursor) {
                    continue;
                }
                if (p.offset() != cursor + 1) {
                    break; // a hole: the hub reads on from what it has, and is told
                }
                Envelope e;
                try {
                    e = codec.decode(m.getData());
                } catch (MalformedEnvelopeException ex) {
                    decodeErrors.increment();
                    break; // the entries so far are whole; the hub reads on or treats the rest as a gap
                }
                entries.add(new HistoryEntry(p, hub().render(key, p, body(e))));
                cursor = p.offset();
                if (m.metaData().streamSequence() >= to) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading", e);
        } catch (JetStreamStatusCheckedException e) {
            throw new IOException("reading a room's history failed", e);
        } finally {
            fc.stop();
        }
        return entries;
    }

    // ---------------------------------------------------------------- state

    /** {@return times the stream was found created again (its history lost) and every room was begun again} */
    public long streamResets() {
        return streamResets.sum();
    }

    /** {@return the rooms followed now} */
    public Set<String> followedRooms() {
        Set<String> rooms = new HashSet<>();
        followed.values().forEach(f -> {
            if (f.started && !f.stopped) {
                rooms.add(f.key);
            }
        });
        return Set.copyOf(rooms);
    }

    /** {@return whether the connection to nats-server is up now} */
    public boolean isConnected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** {@return the stream's name} */
    public String streamName() {
        return streamName;
    }

    @Override
    protected void closeBroker() {
        followed.values().forEach(Followed::stop);
        followed.clear();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds a {@link JetStreamHistory}; it connects, and finds or creates the stream, at once.
     * {@code maxCount} is the stream's {@code MaxMsgsPerSubject}, {@code maxAge} its {@code MaxAge}.
     */
    public static final class Builder extends HistoryBuilder<Builder> {
        private boolean memory;
        private int replicas = 1;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Keeps the stream in memory rather than in files (default files): faster, but a
         * nats-server restart loses the history, and clients are told of a new epoch. Used when
         * this instance creates the stream.
         *
         * @param memory whether to keep it in memory
         * @return this builder
         */
        public Builder memoryStorage(boolean memory) {
            this.memory = memory;
            return this;
        }

        /**
         * The stream's replicas in a JetStream cluster (default 1; 3 survives the loss of a
         * server). Used when this instance creates the stream.
         *
         * @param n 1 to 5
         * @return this builder
         */
        public Builder replicas(int n) {
            if (n < 1 || n > 5) {
                throw new IllegalArgumentException("replicas must be in 1..5: " + n);
            }
            this.replicas = n;
            return this;
        }

        /**
         * Connects, finds or creates the stream, and builds the store; hand it to
         * {@link Hub.Builder#history}.
         *
         * @return the store
         * @throws UncheckedIOException when nats-server cannot be reached
         * @throws IllegalStateException when the stream cannot be found or created, or has other subjects
         * @throws IllegalArgumentException when the channel is no NATS subject without wildcards
         */
        public JetStreamHistory build() {
            return new JetStreamHistory(this);
        }
    }
}
