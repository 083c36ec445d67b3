package dev.shuttle.websocket.internal.session;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
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

    private final Connection c;
    private final WebSocketHandler handler;
    private final FrameParser parser;
    private final Utf8Validator utf8 = new Utf8Validator();
    private final boolean wantsFrames;
    private final long maxMessageSize;
    private volatile Thread thread;

    /** The last read returned bytes: the next one would follow without the reader having waited. */
    private boolean readWithoutWaiting;
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
        this.handler = c.handler;
        // RSV1 is legal only when permessage-deflate was negotiated (RFC 7692 §6); the parser
        // still refuses it on continuation and control frames (§6.1).
        this.parser = new FrameParser(c.role == Connection.Role.SERVER, c.options.acceptUnmaskedFrames(),
                c.options.maxFramePayload(), c.deflate != null);
        this.wantsFrames = handler instanceof LambdaHandler l ? l.onFrame != null : OVERRIDES_ON_FRAME.get(handler.getClass());
        this.maxMessageSize = Math.min(c.options.maxMessageSize(), MAX_ARRAY);
    }

    /** Unparks the reader if it waits (for bytes, or for our close frame to be written after the peer's end of stream). */
    void wake() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Throwable readError = null;
        try {
            if (callback(() -> handler.onOpen(c))) {
                readFrames();
            }
            discardUntilEnd();
        } catch (IOException e) {
            readError = e;
        } catch (Throwable e) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, "reader of " + c + " failed", e);
            readError = e;
        } finally {
            releaseMemory();
            if (c.deflate != null) {
                c.deflate.closeReceiver(); // reader-owned inflater: ended or back to the pool
            }
            if (readError == null || readError instanceof EOFException) {
                c.awaitCloseWritten(); // the peer half-closed: our close frame still goes out
            }
            c.terminate(readError);
        }
    }

    /** Parses and dispatches frames until the peer's close frame or a failure. */
    private void readFrames() throws IOException {
        try {
            while (!c.closeState().wasCloseReceived()) {
                if (buf == null || !parser.parseHeader(buf)) {
                    if (!readMore()) {
                        throw new EOFException("end of stream without a close frame");
                    }
                    continue;
                }
                if (!onFrame()) {
                    return;
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
            if (wantsFrames && !callback(() -> handler.onFrame(c, new Frame(true, 0, Opcode.of(opcode), payload)))) {
                return false;
            }
            return onControl(opcode, payload);
        }
        boolean fin = parser.fin();
        boolean first = opcode != Opcode.CONTINUATION.code();
        if (first) {
            messageBinary = opcode == Opcode.BINARY.code();
            messageLength = 0;
            utf8.reset();
            messageCompressed = (parser.rsv() & 0b100) != 0; // §6: RSV1 on the first frame only
            if (messageCompressed) {
                c.deflate.beginMessage();
            }
        }
        if (messageCompressed) {
            return onCompressedFrame(opcode, fin, len);
        }
        if (messageLength + (long) len > maxMessageSize) {
            throw new WebSocketException(CloseCode.MESSAGE_TOO_BIG,
                    "message larger than " + maxMessageSize + " bytes");
        }
        int frameStart = messageLength;
        // A message in one frame can need no more than the frame; a fragmented one up to the limit.
        appendPayload(len, first && fin ? len : maxMessageSize);
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
        return callback(() -> handler.onFrame(c, frame));
    }

    /** A whole message: last UTF-8 check, counters, onData; false when the callback threw. */
    private boolean deliver(byte[] data) throws WebSocketException {
        if (!messageBinary && !utf8.isComplete()) {
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        c.messagesIn++;
        c.bytesIn += data.length;
        // The hot path: called directly rather than through callback(Runnable), no lambda per message.
        try {
            handler.onData(c, messageBinary, data);
            return true;
        } catch (Throwable e) {
            return callbackFailed(e);
        }
    }

    private boolean onControl(int opcode, byte[] payload) throws IOException {
        if (opcode == Opcode.PING.code()) {
            c.pong(payload); // §5.5.2: answer with the same payload; CLOSED once closing, which is fine
            return callback(() -> handler.onPing(c, payload));
        }
        if (opcode == Opcode.PONG.code()) {
            c.onPong(payload);
            return callback(() -> handler.onPong(c, payload));
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

    /**
     * Reads at least one more byte into the buffer (keeping the unparsed ones), waiting as long
     * as needed; false at end of stream. While it waits it holds no buffer: the unparsed bytes,
     * at most a partial frame header, wait in {@link #stash}.
     */
    private boolean readMore() throws IOException {
        while (true) {
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
            if (readWithoutWaiting) {
                // Virtual threads are not preempted: a reader whose socket always has bytes (a
                // flooding peer) would keep its carrier forever and starve the drainers it starts,
                // and every other connection. Reading again without having waited, it steps aside.
                Thread.yield();
            }
            int n = c.transport.read(buf);
            buf.limit(buf.position()).position(0);
            if (n > 0) {
                readWithoutWaiting = true;
                c.onBytesRead();
                return true;
            }
            if (n < 0) {
                return false;
            }
            readWithoutWaiting = false;
            giveBufferBack();
            c.transport.awaitReadable(0); // no deadline: the timers fire on their own thread
        }
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
            handler.onError(c, e);
        } catch (Throwable ignored) {
            // the original failure is what matters; the connection is failing anyway
        }
    }
}
