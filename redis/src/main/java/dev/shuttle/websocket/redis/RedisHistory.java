package dev.shuttle.websocket.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * A cluster-wide room history in Redis Streams: the {@link HistoryStore} of every instance's hub,
 * which then needs no {@link RedisBridge} (the stream carries the messages between instances).
 * <p>
 * <b>Keys per room</b> ({@code C} the channel, {@code R} the room key):
 * {@code C:R:epoch} (a random epoch, created with {@code SET NX}), {@code C:R:seq} (the last
 * offset) and {@code C:R:stream} (entries with the explicit ids {@code 0-OFFSET}, capped with
 * {@code MAXLEN maxCount}; fields {@code e} = the envelope, {@code t} = milliseconds,
 * {@code x} = the epoch). One Lua
 * script does {@code INCR} and {@code XADD} atomically, so Redis is the one point that gives
 * positions, and every key gets {@code PEXPIRE} of the age limit (an idle room's history goes
 * away by itself). A Redis that lost its data (a restart without persistence, an eviction) has
 * no epoch key, so the next append or read creates a new epoch and clients of the old one are
 * told {@link HistoryRead.Reason#EPOCH_CHANGED}.
 * <p>
 * <b>Delivery.</b> Appends go through a bounded queue drained by one virtual thread (a full queue
 * or a failed script is counted as lost: at most once). One reader thread per instance reads, with
 * {@code XREAD BLOCK}, the streams of the rooms that have local members, from the offset each was
 * at when this instance began to follow it, and calls {@link Hub#deliverAt} in offset order, with
 * the publishing connection as sender on the publisher's instance. A {@link #read} first fixes
 * that starting offset, so what it does not return is delivered live: no gap at the switch.
 */
public final class RedisHistory extends BrokerHistory {
    private static final System.Logger LOG = System.getLogger(RedisHistory.class.getName());
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** KEYS epoch, seq, stream; ARGV candidate epoch, maxlen, envelope, now ms, ttl ms. Returns {epoch, offset}. */
    private static final String APPEND = """
            local created = redis.call('SET', KEYS[1], ARGV[1], 'NX')
            if created or redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[3]) == 1 then
              -- a new epoch, or a counter lost beside its stream: begin a fresh history
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('DEL', KEYS[2], KEYS[3])
            end
            local epoch = redis.call('GET', KEYS[1])
            local n = redis.call('INCR', KEYS[2])
            redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[2], '0-' .. n, 'e', ARGV[3], 't', ARGV[4], 'x', epoch)
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            redis.call('PEXPIRE', KEYS[3], ARGV[5])
            return {epoch, n}
            """;
    private static final long READ_BLOCK_MILLIS = 100;
    private static final int READ_COUNT = 256;

    /** A room this instance follows; {@code last} is the offset delivered (or started from). */
    private static final class Followed {
        final ReentrantLock lock = new ReentrantLock();
        final String key;
        volatile String epoch;
        volatile long last = -1;
        volatile boolean recheck;
        volatile boolean seenInHub;
        final long since = System.nanoTime();

        Followed(String key) {
            this.key = key;
        }
    }

    private final String prefix;
    private final int maxCount;
    private final Duration maxAge;
    private final Backoff backoff;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> commands;
    private final StatefulRedisConnection<String, byte[]> reader;
    private final ConcurrentHashMap<String, Followed> followed = new ConcurrentHashMap<>();

    private RedisHistory(Builder b) {
        super(b, "shuttle-redis-history");
        this.prefix = b.channelName() + ":";
        this.maxCount = b.maxCountValue();
        this.maxAge = b.maxAgeValue();
        this.backoff = b.backoffValue();
        RedisURI uri = RedisURI.create(b.brokerUrl());
        uri.setTimeout(b.timeoutValue());
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.commands = client.connect(CODEC);
        this.reader = client.connect(CODEC);
    }

    /** {@return a builder; {@link Builder#url} is required} */
    public static Builder builder() {
        return new Builder();
    }

    private String epochKey(String room) {
        return prefix + room + ":epoch";
    }

    private String seqKey(String room) {
        return prefix + room + ":seq";
    }

    private String streamKey(String room) {
        return prefix + room + ":stream";
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // ---------------------------------------------------------------- append (publisher thread, then drainer)

    @Override
    protected void store(String key, byte[] envelope, long id) {
        try {
            commands.async().<List<Object>>eval(APPEND, ScriptOutputType.MULTI,
                    new String[] {epochKey(key), seqKey(key), streamKey(key)},
                    bytes(newEpoch()), bytes(Integer.toString(maxCount)), envelope,
                    bytes(Long.toString(System.currentTimeMillis())), bytes(Long.toString(maxAge.toMillis())))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failed(id, e);
                        } else {
                            appended.increment();
                        }
                    });
        } catch (RuntimeException e) {
            failed(id, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- following the streams (follower thread)

    /** The joining thread fixes where the room's live delivery starts, so the member misses nothing appended after its join. */
    @Override
    public void joined(String key) {
        if (closed) {
            return;
        }
        try {
            follow(key);
        } catch (RuntimeException e) {
            // Redis unreachable: the follower fixes the start when it can; until then the member may miss messages.
            LOG.log(System.Logger.Level.DEBUG, "following a room on join failed: {0}", e.toString());
        }
    }

    /** Starts following a room at its last offset now, unless it is followed already. */
    private Followed follow(String key) {
        Followed f = followed.computeIfAbsent(key, Followed::new);
        if (f.last < 0) {
            f.lock.lock();
            try {
                if (f.last < 0) {
                    Position head = head(key);
                    f.epoch = head.epoch();
                    f.last = head.offset();
                }
            } finally {
                f.lock.unlock();
            }
        }
        return f;
    }

    @Override
    protected void followLoop() {
        int attempt = 0;
        while (!closed) {
            try {
                reconcile();
                if (followed.isEmpty()) {
                    Thread.sleep(READ_BLOCK_MILLIS);
                    continue;
                }
                readLive();
                attempt = 0;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "reading the streams failed: {0}", e.toString());
                // Redis may have lost its data meanwhile: every room's epoch is checked again
                // before the next read (and kept, with the offset reached, when it is the same).
                followed.values().forEach(f -> f.recheck = true);
                try {
                    Thread.sleep(backoff.delay(attempt++).toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Follows exactly the rooms with local members (and, for a while, rooms a read asked about). */
    private void reconcile() {
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
        followed.entrySet().removeIf(e -> !wanted.contains(e.getKey())
                && (e.getValue().seenInHub || now - e.getValue().since > TimeUnit.SECONDS.toNanos(10)));
        followed.values().forEach(f -> {
            if (f.last < 0) {
                follow(f.key);
            } else if (f.recheck) {
                recheck(f);
            }
        });
        forgetClosedSenders();
    }

    /**
     * After a failed read: the same epoch goes on from the offset reached (what was appended
     * meanwhile is read from the stream, a trimmed part counted in {@link #liveGaps}); another
     * epoch, a history Redis began again, is followed from its head.
     */
    private void recheck(Followed f) {
        f.lock.lock();
        try {
            Position head = head(f.key);
            if (!head.epoch().equals(f.epoch)) {
                f.epoch = head.epoch();
                f.last = head.offset();
            }
            f.recheck = false;
        } finally {
            f.lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private void readLive() {
        List<String> keys = new ArrayList<>(followed.keySet());
        List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
        for (String key : keys) {
            Followed f = followed.get(key);
            if (f != null && f.last >= 0) {
                offsets.add(XReadArgs.StreamOffset.from(streamKey(key), "0-" + f.last));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        List<StreamMessage<String, byte[]>> messages = reader.sync().xread(
                XReadArgs.Builder.block(READ_BLOCK_MILLIS).count(READ_COUNT), offsets.toArray(XReadArgs.StreamOffset[]::new));
        for (StreamMessage<String, byte[]> m : messages) {
            String stream = m.getStream();
            String key = stream.substring(prefix.length(), stream.length() - ":stream".length());
            Followed f = followed.get(key);
            if (f == null || f.last < 0) {
                continue;
            }
            long offset = offsetOf(m.getId());
            if (offset <= f.last) {
                continue;
            }
            if (offset != f.last + 1) {
                liveGaps.increment(); // trimmed before we read it: those messages are lost for live members
            }
            f.last = offset;
            String epoch = text(m.getBody().get("x"));
            if (epoch != null && !epoch.equals(f.epoch)) {
                f.epoch = epoch; // Redis began a new history under us
            }
            deliver(key, new Position(f.epoch, offset), m.getBody().get("e"));
        }
    }

    private static long offsetOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(dash + 1));
    }

    // ---------------------------------------------------------------- read and head (any thread)

    @Override
    public Position head(String key) {
        RedisCommands<String, byte[]> c = commands.sync();
        c.set(epochKey(key), bytes(newEpoch()), io.lettuce.core.SetArgs.Builder.nx().px(maxAge.toMillis()));
        List<KeyValue<String, byte[]>> v = c.mget(epochKey(key), seqKey(key));
        String epoch = text(v.get(0).getValueOrElse(null));
        String seq = text(v.get(1).getValueOrElse(null));
        return new Position(epoch, seq == null ? 0 : Long.parseLong(seq));
    }

    @Override
    public HistoryRead read(String key, Position after, int max) {
        // Fix where live delivery starts before reading: what this read misses, live delivery has.
        follow(key);
        Position current = head(key);
        if (!current.epoch().equals(after.epoch())) {
            return new HistoryRead.Gap(HistoryRead.Reason.EPOCH_CHANGED, after, current);
        }
        if (after.offset() > current.offset()) {
            return new HistoryRead.Gap(HistoryRead.Reason.UNKNOWN_POSITION, after, current);
        }
        if (after.offset() == current.offset()) {
            return new HistoryRead.Entries(List.of());
        }
        List<StreamMessage<String, byte[]>> range = commands.sync().xrange(streamKey(key),
                Range.create("0-" + (after.offset() + 1), "+"), Limit.from(Math.max(1, max)));
        long oldest = System.currentTimeMillis() - maxAge.toMillis();
        if (range.isEmpty() || offsetOf(range.get(0).getId()) != after.offset() + 1
                || Long.parseLong(text(range.get(0).getBody().get("t"))) < oldest) {
            return new HistoryRead.Gap(HistoryRead.Reason.TOO_OLD, after, current);
        }
        List<HistoryEntry> entries = new ArrayList<>(range.size());
        for (StreamMessage<String, byte[]> m : range) {
            Envelope e;
            try {
                e = codec.decode(m.getBody().get("e"));
            } catch (MalformedEnvelopeException ex) {
                decodeErrors.increment();
                break; // the entries so far are whole; the hub reads on or treats the rest as a gap
            }
            Position p = new Position(current.epoch(), offsetOf(m.getId()));
            entries.add(new HistoryEntry(p, hub().render(key, p, body(e))));
        }
        return new HistoryRead.Entries(entries);
    }

    // ---------------------------------------------------------------- state

    /** {@return the rooms followed now: what is appended to them from now on is delivered here} */
    public Set<String> followedRooms() {
        Set<String> rooms = new HashSet<>();
        followed.forEach((key, f) -> {
            if (f.last >= 0) {
                rooms.add(key); // its start is fixed; before that an append could still be missed
            }
        });
        return Set.copyOf(rooms);
    }

    @Override
    protected void closeBroker() {
        commands.close();
        reader.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** Builds a {@link RedisHistory}; it connects at once. {@code maxCount} is each room stream's {@code MAXLEN}, {@code maxAge} also the keys' {@code PEXPIRE}. */
    public static final class Builder extends HistoryBuilder<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Connects and builds the store; hand it to {@link Hub.Builder#history}.
         *
         * @return the store
         */
        public RedisHistory build() {
            return new RedisHistory(this);
        }
    }
}
