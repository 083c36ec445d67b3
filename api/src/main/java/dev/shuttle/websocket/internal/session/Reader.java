package dev.shuttle.websocket.internal.session;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import dev.shuttle.websocket.CloseCode;
import dev.shuttle.websocket.Frame;
import dev.shuttle.websocket.Opcode;
import dev.shuttle.websocket.WebSocket;
import dev.shuttle.websocket.WebSocketException;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.internal.codec.ClosePayload;
import dev.shuttle.websocket.internal.codec.FrameParser;
import dev.shuttle.websocket.internal.codec.Masking;
import dev.shuttle.websocket.internal.codec.Utf8Validator;
import dev.shuttle.websocket.internal.deflate.PerMessageDeflate;
import dev.shuttle.websocket.internal.io.SafeLog;

/**
 * The read side of one connection, run by its own virtual thread: reads, parses every complete
 * frame in the buffer before reading again, joins fragments, validates text as it arrives (so a
 * bad byte fails the connection at once, RFC 6455 §8.1), answers pings and runs the callbacks.
 * Its timers fire elsewhere ({@link Timers}); the reader only tells them that bytes arrived.
 * <p>
 * Memory follows the bytes the peer actually sent, never the lengths it declared: a payload
 * array grows as its bytes arrive (doubling, up to the frame or message limit), a compressed
 * frame is inflated chunk by chunk as it arrives, and a read buffer is borrowed from
 * {@link ReadBuffers} only while bytes are there to parse. While the reader waits, it gives the
 * buffer back; the few bytes of a partial frame header are kept in a tiny array meanwhile. So a
 * peer that declares 1 MiB and sends nothing costs nothing beyond its connection, and one byte
 * after the upgrade pins no pooled buffer.
 * <p>
 * Every field is owned by the reader thread, except {@link #thread} (read by {@link #wake()}).
 */
final class Reader implements Runnable {
    private static final System.Logger LOG = System.getLogger(Reader.class.getName());
    private static final byte[] EMPTY = new byte[0];
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final ClassValue<Boolean> OVERRIDES_ON_FRAME = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("onFrame", WebSocket.class, Frame.class).getDeclaringClass() != WebSocketHandler.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    /** readMore: bytes arrived. */
    private static final int DATA = 1;
    /** readMore: end of stream. */
    private static final int END = -1;
    /** readMore: the thread handed the wait to the transport and must end now, touching nothing. */
    private static final int RETIRED = 0;
    /** The reader whose callbacks the current thread runs: where writes may defer their flush. */
    private static final ThreadLocal<Reader> CURRENT = new ThreadLocal<>();
    /** Retirements so far, process-wide: for tests and diagnostics. */
    private static final LongAdder RETIREMENTS = new LongAdder();

    private final Connection c;
    /**
     * Created when the first header is parsed and dropped when the thread retires between
     * messages (it keeps no state there), so a retired reader holds no parser. Kept across a
     * retirement inside a fragmented message: it tracks that message (RFC 6455 §5.4).
     */
    private FrameParser parser;
    /** The text message's validator: created by the first text message, dropped with {@link #parser}. */
    private Utf8Validator utf8;
    private final boolean wantsFrames;
    private volatile Thread thread;
    /** onOpen has run: a resumed thread goes straight to the frames. */
    private boolean opened;
    /** Parked for bytes at a frame boundary, where the thread may retire; the timers read it. */
    private volatile boolean waiting;
    /** The timers found the connection idle: the thread should hand the wait over and end. */
    private volatile boolean retireRequested;
    /** No thread: the transport starts one when bytes arrive ({@link Transport#onReadable}). */
    private volatile boolean retired;

    /** The last read returned bytes: the next one would follow without the reader having waited. */
    private boolean readWithoutWaiting;
    /**
     * The frame being dispatched has more bytes behind it in the buffer: writes from its callbacks
     * wait for the end of the batch ({@link #deferFlush}), so they go out together.
     */
    private boolean batching;
    /** Queues whose flush was deferred to the end of this batch (their own and others'), or null. */
    private Outbound[] deferred;
    private int deferredCount;
    /** The borrowed buffer in read mode (position..limit = unparsed bytes), or null while waiting. */
    private ByteBuffer buf;
    /** Unparsed bytes (part of a frame header) kept while the buffer is given back, else null. */
    private byte[] stash;

    // The message being assembled: its bytes so far, grown as they arrive.
    private byte[] message;
    private int messageLength;
    private boolean messageBinary;
    /** The message in progress had RSV1 on its first frame: it is inflated by {@link Connection#deflate}. */
    private boolean messageCompressed;

    Reader(Connection c) {
        this.c = c;
        this.wantsFrames = c.handler instanceof LambdaHandler l ? l.onFrame != null : OVERRIDES_ON_FRAME.get(c.handler.getClass());
    }

    private FrameParser parser() {
        FrameParser p = parser;
        if (p == null) {
            // RSV1 is legal only when permessage-deflate was negotiated (RFC 7692 §6); the parser
            // still refuses it on continuation and control frames (§6.1).
            parser = p = new FrameParser(c.role == Connection.Role.SERVER, c.options.acceptUnmaskedFrames(),
                    c.options.maxFramePayload(), c.deflate != null);
        }
        return p;
    }

    /** The limit on an assembled message: the option, and what one array can hold. */
    private long maxMessageSize() {
        return Math.min(c.options.maxMessageSize(), MAX_ARRAY);
    }

    /** Unparks the reader if it waits (for bytes, or for our close frame to be written after the peer's end of stream). */
    void wake() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    /** Timers: whether the reader waits for bytes at a frame boundary (it may retire), or has no thread at all. */
    boolean isWaiting() {
        return waiting;
    }

    boolean isRetired() {
        return retired;
    }

    /** Timers: the connection has been idle long enough; a waiting reader hands its wait over and ends. */
    void requestRetire() {
        retireRequested = true;
        if (waiting) {
            wake();
        }
    }

    /**
     * A write from the current thread would flush {@code o} now: if that thread is a reader in the
     * middle of a batch, it flushes {@code o} at the end of the batch instead, and this says true.
     */
    static boolean deferFlush(Outbound o) {
        Reader r = CURRENT.get();
        if (r == null || !r.batching) {
            return false;
        }
        if (o.deferredBy != r) {
            o.deferredBy = r;
            if (r.deferred == null) {
                r.deferred = new Outbound[8];
            } else if (r.deferredCount == r.deferred.length) {
                r.deferred = Arrays.copyOf(r.deferred, r.deferredCount * 2);
            }
            r.deferred[r.deferredCount++] = o;
        }
        return true;
    }

    static long retirements() {
        return RETIREMENTS.sum();
    }

    /** Whether the current thread is a reader whose writes now defer their flush: they must take the queued path. */
    static boolean isBatchingOnThisThread() {
        Reader r = CURRENT.get();
        return r != null && r.batching;
    }

    /** Before the current thread waits (for room in a queue, say): what its reader deferred goes out first. */
    static void flushDeferredOfThisThread() {
        Reader r = CURRENT.get();
        if (r != null) {
            r.flushDeferred();
        }
    }

    private void flushDeferred() {
        boolean wasBatching = batching;
        batching = false;
        for (int i = 0; i < deferredCount; i++) {
            Outbound o = deferred[i];
            deferred[i] = null;
            o.deferredBy = null;
            o.flush();
        }
        deferredCount = 0;
        if (deferred != null && deferred.length > 64) {
            deferred = null; // a broadcast to many: do not keep the big array
        }
        batching = wasBatching;
    }

    /**
     * The reader thread's body; or, while {@link #retired}, the transport's readiness callback
     * ({@link #retire} hands over the reader itself, not an object made for it: idle memory).
     */
    @Override
    public void run() {
        if (retired) {
            resume();
            return;
        }
        thread = Thread.currentThread();
        CURRENT.set(this);
        Throwable readError = null;
        try {
            if (readAll()) {
                return; // retired: another thread runs this reader when bytes arrive; touch nothing
            }
        } catch (IOException e) {
            readError = e;
        } catch (Throwable e) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, "reader of " + c + " failed", e);
            readError = e;
        }
        end(readError);
    }

    /** onOpen (or, on a resumed thread, straight on), the frames, then what follows the close; true when the thread retired. */
    private boolean readAll() throws IOException {
        if (opened) {
            c.readerResumed();
        } else {
            opened = true;
            if (!callback(() -> c.handler.onOpen(c))) {
                discardUntilEnd();
                return false;
            }
        }
        if (readFrames()) {
            return true;
        }
        discardUntilEnd();
        return false;
    }

    /** The reader is done: memory back, our close frame out if the peer half-closed, then onClose. */
    private void end(Throwable readError) {
        try {
            flushDeferred();
            CURRENT.remove();
            releaseMemory();
            if (c.deflate != null) {
                c.deflate.closeReceiver(); // reader-owned inflater: ended or back to the pool
            }
            if (readError == null || readError instanceof EOFException) {
                c.awaitCloseWritten(); // the peer half-closed: our close frame still goes out
            }
        } finally {
            c.terminate(readError);
        }
    }

    /**
     * Parses and dispatches frames until the peer's close frame or a failure; true when the
     * thread retired instead (idle at a frame boundary: the transport runs the reader again when
     * bytes arrive).
     */
    private boolean readFrames() throws IOException {
        try {
            while (!c.closeState().wasCloseReceived()) {
                if (buf == null || !parser().parseHeader(buf)) {
                    int r = fill(true);
                    if (r == RETIRED) {
                        return true;
                    }
                    if (r == END) {
                        throw new EOFException("end of stream without a close frame");
                    }
                    continue;
                }
                if (!onFrame()) {
                    return false;
                }
            }
        } catch (WebSocketException e) {
            notifyError(e);
            c.fail(e);
        } catch (OutOfMemoryError e) {
            // This connection's message could not be held: let it go and fail this connection only.
            releaseMemory();
            notifyError(e);
            c.fail(new WebSocketException(CloseCode.INTERNAL_ERROR, "out of memory", e));
        }
        return false;
    }

    /**
     * After the close handshake, or after failing: nothing the peer sends matters any more.
     * Reads and drops bytes until the transport ends (we or the peer closed it, or the close
     * timeout aborted it).
     */
    private void discardUntilEnd() throws IOException {
        while (readMore()) {
            buf.position(buf.limit());
        }
    }

    /** Handles the frame whose header the parser just read; false to stop reading frames. */
    private boolean onFrame() throws IOException {
        int opcode = parser.opcode();
        int len = (int) parser.payloadLength(); // at most maxFramePayload, checked by the parser
        if (opcode >= Opcode.CLOSE.code()) {
            byte[] payload = len == 0 ? EMPTY : new byte[len]; // at most 125 bytes (§5.5)
            readControlPayload(payload);
            batching = buf.hasRemaining();
            if (wantsFrames && !callback(() -> c.handler.onFrame(c, new Frame(true, 0, Opcode.of(opcode), payload)))) {
                return false;
            }
            return onControl(opcode, payload);
        }
        boolean fin = parser.fin();
        boolean first = opcode != Opcode.CONTINUATION.code();
        if (first) {
            messageBinary = opcode == Opcode.BINARY.code();
            messageLength = 0;
            if (!messageBinary) {
                if (utf8 == null) {
                    utf8 = new Utf8Validator();
                } else {
                    utf8.reset();
                }
            }
            messageCompressed = (parser.rsv() & 0b100) != 0; // §6: RSV1 on the first frame only
            if (messageCompressed) {
                c.deflate.beginMessage();
            }
        }
        if (messageCompressed) {
            return onCompressedFrame(opcode, fin, len);
        }
        long maxMessageSize = maxMessageSize();
        if (messageLength + (long) len > maxMessageSize) {
            throw new WebSocketException(CloseCode.MESSAGE_TOO_BIG,
                    "message larger than " + maxMessageSize + " bytes");
        }
        int frameStart = messageLength;
        // A message in one frame can need no more than the frame; a fragmented one up to the limit.
        appendPayload(len, first && fin ? len : maxMessageSize);
        batching = buf != null && buf.hasRemaining();
        byte[] data = fin ? takeMessage() : null;
        if (wantsFrames && !frameSeen(fin, opcode, data != null && frameStart == 0 && len == data.length ? data
                : Arrays.copyOfRange(data != null ? data : message, frameStart, frameStart + len))) {
            return false;
        }
        return !fin || deliver(data);
    }

    /**
     * A frame of a compressed message (RFC 7692 §6.2): its payload is inflated chunk by chunk as
     * it arrives, and the inflated bytes are UTF-8-checked as they come. The inflated size, not
     * the wire size, counts against maxMessageSize, and the inflater stops at that limit (1009),
     * so a zip bomb costs at most the limit. onFrame sees the frame as it was on the wire: RSV1
     * and the compressed payload (assembled only when an onFrame handler asks for it).
     */
    private boolean onCompressedFrame(int opcode, boolean fin, int len) throws IOException {
        PerMessageDeflate deflate = c.deflate;
        boolean text = !messageBinary;
        byte[] wire = wantsFrames ? (len == 0 ? EMPTY : null) : null;
        int wireLength = 0;
        int done = 0;
        while (done < len) {
            if (buf == null || !buf.hasRemaining()) {
                if (!readMore()) {
                    throw new EOFException("end of stream inside a frame");
                }
                continue;
            }
            int n = Math.min(buf.remaining(), len - done);
            byte[] chunk = new byte[n];
            unmaskFromBuffer(chunk, 0, n, done);
            done += n;
            inflate(deflate, chunk, text);
            if (wantsFrames) {
                wire = grow(wire, wireLength + n, len);
                System.arraycopy(chunk, 0, wire, wireLength, n);
                wireLength += n;
            }
        }
        batching = buf != null && buf.hasRemaining();
        if (fin) {
            int before = deflate.inflatedLength();
            deflate.finishMessage();
            checkInflated(deflate, before, text);
        }
        if (wantsFrames && !frameSeen(fin, opcode, wire == null ? EMPTY : wire)) {
            return false;
        }
        return !fin || deliver(deflate.takeMessage());
    }

    private void inflate(PerMessageDeflate deflate, byte[] chunk, boolean text) throws WebSocketException {
        int before = deflate.inflatedLength();
        deflate.inflate(chunk, 0, chunk.length);
        checkInflated(deflate, before, text);
    }

    private void checkInflated(PerMessageDeflate deflate, int before, boolean text) throws WebSocketException {
        int produced = deflate.inflatedLength() - before;
        if (text && produced > 0 && !utf8.feed(deflate.inflated(), before, produced)) {
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
        }
    }

    /** Hands a frame to onFrame as it was on the wire (unmasked); false when the callback threw. */
    private boolean frameSeen(boolean fin, int opcode, byte[] payload) {
        Frame frame = new Frame(fin, parser.rsv(), Opcode.of(opcode), payload);
        return callback(() -> c.handler.onFrame(c, frame));
    }

    /** A whole message: last UTF-8 check, counters, onData; false when the callback threw. */
    private boolean deliver(byte[] data) throws WebSocketException {
        if (!messageBinary && !utf8.isComplete()) {
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        c.countReceived(messageBinary, data.length);
        // The hot path: called directly rather than through callback(Runnable), no lambda per message.
        try {
            c.handler.onData(c, messageBinary, data);
            return true;
        } catch (Throwable e) {
            return callbackFailed(e);
        }
    }

    private boolean onControl(int opcode, byte[] payload) throws IOException {
        if (opcode == Opcode.PING.code()) {
            c.pong(payload); // §5.5.2: answer with the same payload; CLOSED once closing, which is fine
            return callback(() -> c.handler.onPing(c, payload));
        }
        if (opcode == Opcode.PONG.code()) {
            c.onPong(payload);
            return callback(() -> c.handler.onPong(c, payload));
        }
        int code = ClosePayload.validate(payload);
        c.onCloseReceived(code, ClosePayload.reason(payload));
        return true;
    }

    /**
     * Appends the current frame's {@code len} payload bytes to the message, unmasking and (for
     * text) validating as they arrive. The array grows with the bytes received, never ahead of
     * them by more than their own size, and never beyond {@code most}.
     */
    private void appendPayload(int len, long most) throws IOException {
        boolean text = !messageBinary;
        int done = 0;
        while (done < len) {
            if (buf == null || !buf.hasRemaining()) {
                if (!readMore()) {
                    throw new EOFException("end of stream inside a frame");
                }
                continue;
            }
            int n = Math.min(buf.remaining(), len - done);
            message = grow(message, messageLength + n, most);
            unmaskFromBuffer(message, messageLength, n, done);
            if (text && !utf8.feed(message, messageLength, n)) {
                throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            }
            messageLength += n;
            done += n;
        }
    }

    /** A control frame's payload (at most 125 bytes, §5.5), into its exactly-sized array. */
    private void readControlPayload(byte[] dst) throws IOException {
        int done = 0;
        while (done < dst.length) {
            if (buf == null || !buf.hasRemaining()) {
                if (!readMore()) {
                    throw new EOFException("end of stream inside a frame");
                }
                continue;
            }
            int n = Math.min(buf.remaining(), dst.length - done);
            unmaskFromBuffer(dst, done, n, done);
            done += n;
        }
    }

    /** Copies {@code n} buffered payload bytes to {@code dst}, unmasking; {@code payloadPos} is their offset in the frame's payload. */
    private void unmaskFromBuffer(byte[] dst, int off, int n, int payloadPos) {
        if (parser.masked()) {
            Masking.unmaskCopy(buf, dst, off, n, parser.maskKey(), payloadPos & 3);
        } else {
            buf.get(dst, off, n);
        }
    }

    /**
     * {@code array} with room for at least {@code needed} bytes: doubled from what it must hold,
     * at most {@code most}. Growing by twice the bytes held bounds the array by the bytes received.
     */
    private static byte[] grow(byte[] array, int needed, long most) {
        if (array != null && array.length >= needed) {
            return array;
        }
        int size = (int) Math.min(most, Math.max(needed, 2L * needed));
        return array == null ? new byte[size] : Arrays.copyOf(array, size);
    }

    /** Reads at least one more byte (see {@link #fill}); false at end of stream. Never retires: used inside a frame. */
    private boolean readMore() throws IOException {
        return fill(false) == DATA;
    }

    /**
     * Reads at least one more byte into the buffer (keeping the unparsed ones), waiting as long
     * as needed: {@link #DATA}, or {@link #END} at end of stream. While it waits it holds no
     * buffer: the unparsed bytes, at most a partial frame header, wait in {@link #stash}. At a
     * frame boundary ({@code mayRetire}) an idle reader may instead hand the wait over to the
     * transport and answer {@link #RETIRED}: its thread must then end at once.
     */
    private int fill(boolean mayRetire) throws IOException {
        flushDeferred(); // the end of a batch: what its callbacks wrote goes out now
        batching = false;
        boolean yielded = false; // once per call
        while (true) {
            if (readWithoutWaiting && !yielded) {
                // Virtual threads are not preempted: a reader whose socket always has bytes (a
                // flooding peer) would keep its carrier forever and starve every other
                // connection. Reading again without having waited, it steps aside, with its
                // buffer back in the pool meanwhile (so buffers in use follow running readers).
                // It also reads more before parking: by the time the other readers on this
                // carrier had their turn, a peer in a request/response loop has often answered,
                // and a read is much cheaper than a round through the poller.
                yieldWithoutBuffer();
                yielded = true;
            }
            if (buf == null) {
                buf = ReadBuffers.acquire();
                if (stash != null) {
                    buf.put(stash);
                    stash = null;
                }
                buf.flip();
            }
            if (buf.position() > 0) {
                buf.compact().flip(); // keep the unparsed bytes, make room after them
            }
            int limit = buf.limit();
            buf.position(limit).limit(buf.capacity());
            int n = c.transport.read(buf);
            buf.limit(buf.position()).position(0);
            if (n > 0) {
                readWithoutWaiting = true;
                c.onBytesRead();
                return DATA;
            }
            if (n < 0) {
                return END;
            }
            readWithoutWaiting = false;
            giveBufferBack();
            if (mayRetire && retireRequested && retire()) {
                return RETIRED;
            }
            waiting = mayRetire;
            try {
                c.transport.awaitReadable(0); // no deadline: the timers fire on their own thread
            } finally {
                waiting = false;
            }
            if (mayRetire && retireRequested && retire()) {
                return RETIRED;
            }
        }
    }

    /**
     * Idle at a frame boundary, with no buffer: hands the wait to the transport, which starts a
     * new thread for this reader when bytes arrive. True when it did; the caller's thread must
     * then end without touching this reader again. False when bytes are already there (or the
     * transport cannot): the caller reads on.
     */
    private boolean retire() {
        retireRequested = false;
        if (parser != null && !parser.inMessage()) {
            parser = null; // between messages: nothing to remember, the next thread makes new ones
            utf8 = null;
        }
        retired = true;
        thread = null;
        CURRENT.remove();
        if (c.transport.onReadable(this)) {
            RETIREMENTS.increment();
            return true;
        }
        retired = false;
        thread = Thread.currentThread();
        CURRENT.set(this);
        return false;
    }

    /** The transport's readiness callback after a retirement: a new virtual thread goes on reading. */
    private void resume() {
        retired = false; // before the thread starts: its run() is the reader's body, not this callback
        try {
            Thread.ofVirtual().name("shuttle-" + c.id()).start(this);
        } catch (Throwable e) {
            // No thread (out of memory): nobody would read or end this connection; drop it and end it here.
            SafeLog.log(LOG, System.Logger.Level.ERROR, "resuming the reader of " + c + " failed", e);
            c.transport.close();
            end(e);
        }
    }

    private void yieldWithoutBuffer() {
        giveBufferBack();
        Thread.yield();
    }

    /** Returns the buffer to the pool; its unparsed bytes (a partial header) move to the stash. */
    private void giveBufferBack() {
        if (buf == null) {
            return;
        }
        if (buf.hasRemaining()) {
            stash = new byte[buf.remaining()];
            buf.get(stash);
        }
        ReadBuffers.release(buf);
        buf = null;
    }

    /** The takeMessage of a failed or finished connection: nothing it held stays reachable. */
    private void releaseMemory() {
        if (buf != null) {
            ReadBuffers.release(buf);
            buf = null;
        }
        stash = null;
        message = null;
        messageLength = 0;
    }

    /** The assembled message as an exactly-sized array; the assembly buffer is not kept between messages. */
    private byte[] takeMessage() {
        if (messageLength == 0) {
            message = null;
            return new byte[0];
        }
        byte[] m = message.length == messageLength ? message : Arrays.copyOf(message, messageLength);
        message = null;
        return m;
    }

    /**
     * Runs a callback; a throwing callback fails the connection with 1011, whatever it threw
     * (an Error too: a StackOverflowError in one handler must not take the connection's slot
     * with it). False when it threw.
     */
    private boolean callback(Runnable r) {
        try {
            r.run();
            return true;
        } catch (Throwable e) {
            return callbackFailed(e);
        }
    }

    private boolean callbackFailed(Throwable e) {
        SafeLog.log(LOG, System.Logger.Level.DEBUG, "callback of " + c + " threw", e);
        notifyError(e);
        c.fail(new WebSocketException(CloseCode.INTERNAL_ERROR, "handler failed", e));
        return false;
    }

    private void notifyError(Throwable e) {
        try {
            c.handler.onError(c, e);
        } catch (Throwable ignored) {
            // the original failure is what matters; the connection is failing anyway
        }
    }
}
