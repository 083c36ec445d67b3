package dev.shuttle.websocket.internal.session;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.ConnectionStats;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.HandshakeRequest;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.OverflowPolicy;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.SendResult;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketException;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.internal.codec.ClosePayload;
import dev.shuttle.websocket.internal.codec.FrameEncoder;
import dev.shuttle.websocket.internal.deflate.DeflateParams;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;
import dev.shuttle.websocket.internal.io.SafeLog;
import dev.shuttle.websocket.internal.metrics.MetricsCounters;
import dev.shuttle.websocket.spi.Transport;

/**
 * One WebSocket connection: the public {@link WebSocket} over a {@link Transport}, with a
 * {@link Reader} (virtual thread, runs the callbacks), an {@link Outbound} queue (any thread
 * writes, one drainer sends) and a {@link CloseState}. This class holds the shared state and the
 * decisions that span both directions: how a close starts, when the TCP connection ends, and the
 * single call of {@code onClose}.
 */
public class Connection implements WebSocket {
    /** Which end we are: a server expects masked frames and sends unmasked ones; a client the reverse. */
    public enum Role { SERVER, CLIENT }

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle MESSAGES_OUT;
    private static final VarHandle BYTES_OUT;
    private static final VarHandle DROPPED;
    private static final VarHandle ATTRIBUTES;
    private static final VarHandle CLOSED_LATCH;
    private static final VarHandle CLOSE_LISTENERS;
    /** {@link #closeListeners} once they ran: later additions are refused. */
    private static final CloseListener[] LISTENERS_RAN = new CloseListener[0];

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MESSAGES_OUT = l.findVarHandle(Connection.class, "messagesOut", long.class);
            BYTES_OUT = l.findVarHandle(Connection.class, "bytesOut", long.class);
            DROPPED = l.findVarHandle(Connection.class, "dropped", long.class);
            ATTRIBUTES = l.findVarHandle(Connection.class, "attributes", ConcurrentHashMap.class);
            CLOSED_LATCH = l.findVarHandle(Connection.class, "closedLatch", CountDownLatch.class);
            CLOSE_LISTENERS = l.findVarHandle(Connection.class, "closeListeners", CloseListener[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id = IDS.incrementAndGet();
    final Transport transport;
    final Role role;
    final Options options;
    final WebSocketHandler handler;
    private final HandshakeRequest request;
    private final String subprotocol;
    /** Created on first use: most connections never carry an attribute (idle memory). */
    private volatile ConcurrentHashMap<String, Object> attributes;
    private final Consumer<? super Connection> onClosed;
    /** permessage-deflate (RFC 7692) when negotiated, else null; it alone sets and reads RSV1. */
    final PerMessageDeflate deflate;
    private final CloseState closeState = new CloseState();
    private final OutgoingFrames frames;
    private final Outbound outbound;
    private final Reader reader;
    private final Timers timers;
    /** Told once the connection has ended, before onClose; null while there are none (idle memory). */
    private volatile CloseListener[] closeListeners;
    /** A write to the socket failed: the peer vanished (a hub's BACKPRESSURE_WITH_ERRORS asks). */
    private volatile boolean writeFailed;
    /** Queued bytes that were never written because the connection ended (set when it ends). */
    private volatile long unsentAtEnd;
    /** onClose has run; {@link #closedLatch} exists only once someone waits for that (idle memory). */
    private volatile boolean closeDone;
    private volatile CountDownLatch closedLatch;
    /** What started this connection and closes it when it shuts down (a built-in listener), or null. */
    private volatile Object startedBy;

    // Counters: "in" are written by the reader only; "out" and dropped by any producer.
    volatile long messagesIn;
    volatile long bytesIn;
    private volatile long messagesOut;
    private volatile long bytesOut;
    private volatile long dropped;

    /** Why we closed, when it was a failure (protocol error, callback exception, timeout). */
    private volatile Throwable failure;
    /** When our close frame was queued (System.nanoTime), 0 before: the close timeout runs from it. */
    volatile long closeQueuedAt;
    volatile Duration rtt;
    /** The server's metrics, or null (a client, a server without metrics): one null check per count. */
    final MetricsCounters metrics;

    /** @param extension the permessage-deflate parameters agreed in the handshake, or null for none */
    public Connection(Transport transport, Role role, Options options, WebSocketHandler handler,
                      HandshakeRequest request, String subprotocol, Map<String, Object> attributes,
                      Consumer<? super Connection> onClosed, DeflateParams extension) {
        this(transport, role, options, handler, request, subprotocol, attributes, onClosed, extension, null);
    }

    /**
     * @param extension the permessage-deflate parameters agreed in the handshake, or null for none
     * @param metrics   where the server counts, or null
     */
    public Connection(Transport transport, Role role, Options options, WebSocketHandler handler,
                      HandshakeRequest request, String subprotocol, Map<String, Object> attributes,
                      Consumer<? super Connection> onClosed, DeflateParams extension, MetricsCounters metrics) {
        this.metrics = metrics;
        this.transport = Objects.requireNonNull(transport, "transport");
        this.role = Objects.requireNonNull(role, "role");
        this.options = Objects.requireNonNull(options, "options");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.request = request;
        this.subprotocol = subprotocol;
        this.attributes = attributes == null || attributes.isEmpty() ? null : new ConcurrentHashMap<>(attributes);
        this.onClosed = onClosed;
        this.deflate = extension == null ? null
                : new PerMessageDeflate(extension, options.compression(), role == Role.SERVER, options.maxMessageSize());
        this.frames = role == Role.SERVER && deflate == null ? OutgoingFrames.PLAIN_SERVER : new OutgoingFrames(role == Role.CLIENT, deflate);
        this.outbound = new Outbound(this, role == Role.CLIENT);
        this.reader = new Reader(this);
        this.timers = new Timers(this);
    }

    /** Arms the timers and starts the reader on a new virtual thread; it runs onOpen first. */
    public void start() {
        timers.start(System.nanoTime());
        Thread.ofVirtual().name("shuttle-" + id).start(reader);
    }

    /** Waits until onClose has run; true if it did within the timeout. */
    public boolean awaitClosed(long timeout, TimeUnit unit) {
        if (closeDone) {
            return true;
        }
        CountDownLatch latch = closedLatch;
        if (latch == null && !CLOSED_LATCH.compareAndSet(this, null, latch = new CountDownLatch(1))) {
            latch = closedLatch;
        }
        // Dekker with terminate(): it sets closeDone, then reads the latch; we installed it, then read closeDone.
        if (closeDone) {
            return true;
        }
        try {
            return latch.await(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- WebSocket: identity

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public SocketAddress remoteSocketAddress() {
        return transport.remoteSocketAddress();
    }

    @Override
    public SocketAddress localSocketAddress() {
        return transport.localSocketAddress();
    }

    @Override
    public HandshakeRequest request() {
        return request;
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(String key) {
        Map<String, Object> map = attributes;
        return map == null ? null : (T) map.get(key);
    }

    @Override
    public void attribute(String key, Object value) {
        if (value != null) {
            attributeMap().put(key, value);
        } else if (attributes != null) {
            attributes.remove(key);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        return Collections.unmodifiableMap(attributeMap());
    }

    private ConcurrentHashMap<String, Object> attributeMap() {
        ConcurrentHashMap<String, Object> map = attributes;
        if (map == null) {
            map = new ConcurrentHashMap<>();
            if (!ATTRIBUTES.compareAndSet(this, null, map)) {
                map = attributes;
            }
        }
        return map;
    }

    // ---------------------------------------------------------------- WebSocket: sending

    @Override
    public SendResult write(String text) {
        return writeText(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SendResult writeText(byte[] utf8) {
        return sendMessage(Opcode.TEXT.code(), utf8);
    }

    @Override
    public SendResult write(byte[] data) {
        return sendMessage(Opcode.BINARY.code(), data);
    }

    private SendResult sendMessage(int opcode, byte[] payload) {
        if (deflate == null || !deflate.compresses(payload.length)) {
            SendResult direct = outbound.tryWriteDirect(opcode, payload);
            if (direct != null) {
                if (direct == SendResult.QUEUED) {
                    countSent(opcode, payload.length);
                }
                return direct;
            }
        }
        return sendData(frames.message(opcode, payload), opcode, payload.length);
    }

    @Override
    public SendResult write(ByteBuffer data) {
        int len = data.remaining();
        return sendData(frames.message(Opcode.BINARY.code(), data), Opcode.BINARY.code(), len);
    }

    @Override
    public SendResult write(PreparedMessage message) {
        return sendData(frames.prepared(message), message.opcode().code(), message.payload().length);
    }

    /**
     * A prepared message under a policy and a queue limit of the caller's instead of this
     * connection's {@link Options#overflowPolicy()} and {@link Options#maxQueuedBytes()}: what a
     * hub uses to apply its slow-consumer policy per member. {@code blockNanos} bounds a BLOCK
     * wait; {@code Long.MAX_VALUE} waits until there is room or the connection is closing.
     */
    public SendResult write(PreparedMessage message, OverflowPolicy policy, long limit, long blockNanos) {
        SendResult r = outbound.offerData(frames.prepared(message), policy, limit, blockNanos);
        if (r == SendResult.QUEUED) {
            countSent(message.opcode().code(), message.payload().length);
        }
        return r;
    }

    /** {@return what {@link #startedBy(Object)} recorded, or null} */
    public Object startedBy() {
        return startedBy;
    }

    /**
     * Records what started this connection, so that it can find its own among the server's
     * connections when it shuts down, with no registry of its own.
     */
    public void startedBy(Object starter) {
        startedBy = starter;
    }

    /** {@return the options this connection runs with} */
    public Options options() {
        return options;
    }

    /** {@return whether a write to the socket failed: the peer vanished rather than closed} */
    public boolean writeFailed() {
        return writeFailed;
    }

    /** {@return the queued bytes thrown away when the connection ended unsent; 0 before it ended} */
    public long unsentAtEnd() {
        return unsentAtEnd;
    }

    /** What {@link #addCloseListener} registers: told the close code once the connection has ended. */
    @FunctionalInterface
    public interface CloseListener {
        void closed(Connection connection, int code);
    }

    /**
     * Tells {@code listener} once the connection has ended, whatever the cause, just before
     * {@code onClose} and on the same thread. False (nothing registered) when it has ended already.
     */
    public boolean addCloseListener(CloseListener listener) {
        while (true) {
            CloseListener[] now = closeListeners;
            if (now == LISTENERS_RAN) {
                return false;
            }
            CloseListener[] next;
            if (now == null) {
                next = new CloseListener[] {listener};
            } else {
                next = Arrays.copyOf(now, now.length + 1);
                next[now.length] = listener;
            }
            if (CLOSE_LISTENERS.compareAndSet(this, now, next)) {
                return true;
            }
        }
    }

    /** Removes one registration of {@code listener} (by identity); nothing when it is not there. */
    public void removeCloseListener(CloseListener listener) {
        while (true) {
            CloseListener[] now = closeListeners;
            if (now == null || now == LISTENERS_RAN) {
                return;
            }
            int i = 0;
            while (i < now.length && now[i] != listener) {
                i++;
            }
            if (i == now.length) {
                return;
            }
            CloseListener[] next = null;
            if (now.length > 1) {
                next = new CloseListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
            }
            if (CLOSE_LISTENERS.compareAndSet(this, now, next)) {
                return;
            }
        }
    }

    private void runCloseListeners(int code) {
        CloseListener[] listeners = (CloseListener[]) CLOSE_LISTENERS.getAndSet(this, LISTENERS_RAN);
        if (listeners == null) {
            return;
        }
        for (CloseListener l : listeners) {
            try {
                l.closed(this, code);
            } catch (Throwable e) {
                SafeLog.log(LOG, System.Logger.Level.WARNING, "a close listener threw", e);
            }
        }
    }

    @Override
    public SendResult writeFrame(Frame frame) {
        byte[] p = frame.payload();
        if (deflate != null && frame.rsv1()) {
            // RFC 7692 §6: with the extension negotiated RSV1 means "compressed by it", and it has one owner.
            throw new IllegalArgumentException("RSV1 belongs to permessage-deflate on this connection; write the message instead");
        }
        return switch (frame.opcode()) {
            case PING, PONG -> outbound.offerControl(frames.control(frame.rsv(), frame.opcode().code(), p, OutFrame.CONTROL));
            case CLOSE -> {
                close(frame.closeCode(), frame.closeReason());
                yield SendResult.QUEUED;
            }
            default -> sendData(frames.dataFrame(frame.fin(), frame.rsv(), frame.opcode().code(), p), frame.opcode().code(), p.length);
        };
    }

    @Override
    public SendResult ping(byte[] payload) {
        return sendControl(Opcode.PING, payload);
    }

    @Override
    public SendResult pong(byte[] payload) {
        return sendControl(Opcode.PONG, payload);
    }

    private SendResult sendControl(Opcode opcode, byte[] payload) {
        byte[] p = payload == null ? new byte[0] : payload;
        if (p.length > FrameEncoder.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("a control frame carries at most 125 bytes (RFC 6455 §5.5): " + p.length);
        }
        return outbound.offerControl(frames.control(0, opcode.code(), p, OutFrame.CONTROL));
    }

    /** The keepalive ping of {@link Timers}: the drainer tells them when it is written. */
    SendResult sendAutoPing(byte[] payload) {
        return outbound.offerControl(frames.control(0, Opcode.PING.code(), payload, OutFrame.CONTROL | OutFrame.AUTO_PING));
    }

    private SendResult sendData(OutFrame frame, int opcode, int payloadLength) {
        SendResult r = outbound.offerData(frame);
        if (r == SendResult.QUEUED) {
            countSent(opcode, payloadLength);
        }
        return r;
    }

    private void countSent(int opcode, int payloadLength) {
        MESSAGES_OUT.getAndAdd(this, 1L);
        BYTES_OUT.getAndAdd(this, (long) payloadLength);
        if (metrics != null) {
            metrics.sent(opcode != Opcode.TEXT.code(), payloadLength);
        }
    }

    // ---------------------------------------------------------------- WebSocket: closing

    @Override
    public void close(int code, String reason) {
        if (!CloseCode.isValidOnWire(code) && code != CloseCode.NO_STATUS) {
            throw new IllegalArgumentException("not a close code that may be sent: " + code);
        }
        startClose(code, reason == null ? "" : reason, null, false);
    }

    @Override
    public void abort() {
        transport.close();
    }

    @Override
    public boolean isOpen() {
        return closeState.isOpen();
    }

    @Override
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public ConnectionStats stats() {
        return new ConnectionStats(messagesIn, bytesIn, messagesOut, bytesOut, dropped);
    }

    @Override
    public Duration rtt() {
        return rtt;
    }

    @Override
    public String toString() {
        return "WebSocket#" + id + "[" + remoteAddress() + (closeState.isOpen() ? "" : ", closing") + "]";
    }

    // ---------------------------------------------------------------- engine internals

    CloseState closeState() {
        return closeState;
    }

    /** @param reason one of {@code MetricsCounters.DROP_*} */
    void countDropped(int reason) {
        DROPPED.getAndAdd(this, 1L);
        if (metrics != null) {
            metrics.engineDrop(reason);
        }
    }

    /** Reader: a whole data message arrived. */
    void countReceived(boolean binary, int length) {
        messagesIn++;
        bytesIn += length;
        if (metrics != null) {
            metrics.received(binary, length);
        }
    }

    /** Timers: a ping's round trip was measured. */
    void rttMeasured(long nanos) {
        rtt = Duration.ofNanos(nanos);
        if (metrics != null) {
            metrics.rtt(nanos);
        }
    }

    /**
     * Queues our close frame once. An {@code urgent} close (a slow consumer, an orphan that stopped
     * answering pings) discards what is queued and goes first; otherwise it follows the queued messages.
     */
    void startClose(int code, String reason, Throwable cause, boolean urgent) {
        if (!closeState.queueClose(code, reason)) {
            return;
        }
        if (metrics != null) {
            metrics.closeSent(code);
        }
        if (cause != null) {
            failure = cause;
        }
        long now = System.nanoTime();
        closeQueuedAt = now;
        timers.onCloseQueued(now);
        byte[] payload = ClosePayload.build(code, reason);
        outbound.offerClose(frames.control(0, Opcode.CLOSE.code(), payload, OutFrame.CLOSE), urgent);
    }

    /**
     * Fails the connection (RFC 6455 §7.1.7). The close frame still follows what the application
     * queued before the failure, so none of it is lost; the close timeout bounds the wait.
     */
    void fail(WebSocketException e) {
        startClose(e.closeCode(), e.getMessage() == null ? "" : truncate(e.getMessage()), e, false);
    }

    /** The CLOSE overflow policy: the slow consumer is closed with 1008. */
    void closeSlowConsumer() {
        startClose(CloseCode.POLICY_VIOLATION, "slow consumer: write queue full", null, true);
    }

    /** Called by the drainer once our close frame is on the wire. */
    void onCloseWritten() {
        boolean peerClosedFirst = closeState.closeWritten();
        reader.wake(); // it may wait for this after the peer's end of stream
        if (failure != null) {
            // Failing: the peer may still be sending; half-close and let the reader drain to EOF
            // so the kernel does not answer unread bytes with a reset that could destroy our close frame.
            shutdownOutput();
        } else if (peerClosedFirst && role == Role.SERVER) {
            // §7.1.1: the server closes the TCP connection first once both close frames crossed.
            transport.close();
        }
    }

    /** Called by the reader when the peer's close frame arrived. */
    void onCloseReceived(int code, String reason) {
        if (!closeState.closeReceived(code, reason)) {
            return;
        }
        if (metrics != null) {
            metrics.closeReceived(code);
        }
        if (closeState.closeQueued()) {
            // We closed first and this is the answer: finished once our frame is out.
            if (closeState.handshakeDone() && role == Role.SERVER) {
                transport.close();
            }
        } else {
            // §5.5.1: answer with a close frame echoing the status code.
            startClose(code == CloseCode.NO_STATUS ? CloseCode.NO_STATUS : code, "", null, false);
        }
    }

    /** The peer did not complete the close handshake in time: drop the connection. */
    void closeTimedOut() {
        if (failure == null && !closeState.handshakeDone()) {
            failure = new WebSocketException(CloseCode.ABNORMAL, "close handshake not completed within " + options.closeTimeout());
        }
        transport.close();
        reader.wake();
    }

    /** The peer took no bytes for the write-stall timeout while we had frames for it: drop it (no close frame could reach it). */
    void writeStalled(Duration timeout) {
        if (failure == null) {
            failure = new WebSocketException(CloseCode.ABNORMAL, "write stalled: the peer took no bytes for " + timeout);
        }
        transport.close();
        reader.wake();
    }

    void onWriteFailed(Throwable e) {
        if (failure == null && !closeState.isTerminated()) {
            failure = e;
        }
        writeFailed = true;
        transport.close();
        reader.wake();
    }

    Reader reader() {
        return reader;
    }

    /** Timers: whether an idle reader may give its thread up (the transport runs it again when bytes arrive). */
    boolean transportHandsOverReads() {
        return transport.canHandOverReads();
    }

    /** Reader: a new thread took over after a retirement. */
    void readerResumed() {
        timers.readerResumed(System.nanoTime());
    }

    /** Reader: bytes arrived (the idle timer's reference point). */
    void onBytesRead() {
        timers.onRead(System.nanoTime());
    }

    /** Reader: a pong arrived. */
    void onPong(byte[] payload) {
        timers.onPong(payload);
    }

    /** Drainer: our automatic ping is being written now. */
    void pingWritten(long now) {
        timers.pingWritten(now);
    }

    /** Timers: when the write in progress started, 0 when none is. */
    long writingSince() {
        return outbound.writingSince();
    }

    /**
     * Reader, at the peer's end of stream: if our close frame is queued but not yet written (the
     * peer sent its close and half-closed, RFC 6455 §7.1.1 lets it), wait until the drainer wrote
     * it, with everything queued before it, or gave up. The close timeout bounds the wait: it
     * closes the transport, which ends the drainer's write.
     */
    void awaitCloseWritten() {
        while (closeState.closeQueued() && !closeState.wasCloseWritten() && !outbound.isFinished()) {
            LockSupport.park(this);
        }
    }

    private void shutdownOutput() {
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            transport.close();
        }
    }

    /**
     * The reader has finished (end of stream, transport closed or failed): run onClose exactly
     * once with the code that describes what happened.
     */
    void terminate(Throwable readError) {
        if (!closeState.terminate()) {
            return;
        }
        transport.close();
        timers.stop();
        unsentAtEnd = outbound.queuedBytes();
        outbound.shutdown();
        if (deflate != null) {
            deflate.closeSender(); // the owned deflater's native memory, never left to the GC
        }
        CloseState.Outcome outcome = closeState.outcome();
        Throwable cause = failure;
        if (cause == null && !outcome.clean()) {
            cause = readError != null || outcome.code() != CloseCode.ABNORMAL ? readError
                    : new IOException("connection dropped without a close frame");
        }
        if (metrics != null) {
            metrics.closed(outcome.code());
        }
        runCloseListeners(outcome.code());
        try {
            handler.onClose(this, outcome.code(), outcome.reason(), cause);
        } catch (Throwable e) {
            SafeLog.log(LOG, System.Logger.Level.WARNING, "onClose threw", e);
        } finally {
            if (onClosed != null) {
                onClosed.accept(this);
            }
            closeDone = true;
            CountDownLatch latch = closedLatch;
            if (latch != null) {
                latch.countDown();
            }
        }
    }

    private static String truncate(String s) {
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
