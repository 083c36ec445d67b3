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

/**
 * The read side of one connection, run by its own virtual thread: reads, parses every complete
 * frame in the buffer before reading again, joins fragments, validates text as it arrives (so a
 * bad byte fails the connection at once, RFC 6455 §8.1), answers pings, runs the callbacks, and
 * keeps the connection's timers (idle, ping/pong, close) between reads.
 * <p>
 * A read buffer is borrowed from {@link ReadBuffers} only while bytes are there to parse; an idle
 * connection waits in {@code Transport.awaitReadable} holding none. Payloads larger than what is
 * buffered are read straight into the array that will be handed to {@code onData}.
 * <p>
 * Every field is owned by the reader thread, except {@link #thread} (read by {@link #wake()}).
 */
final class Reader implements Runnable {
    private static final System.Logger LOG = System.getLogger(Reader.class.getName());
    private static final byte[] EMPTY = new byte[0];
    /** A payload remainder at least this large is read directly into its array, bypassing the buffer. */
    private static final int DIRECT_READ_THRESHOLD = ReadBuffers.BUFFER_SIZE / 2;
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

    /** The borrowed buffer in read mode (position..limit = unparsed bytes), or null while idle. */
    private ByteBuffer buf;

    // The message being assembled from fragments.
    private byte[] message;
    private int messageLength;
    private boolean messageBinary;
    /** The message in progress had RSV1 on its first frame: it is inflated by {@link Connection#deflate}. */
    private boolean messageCompressed;

    private final Timers timers;

    Reader(Connection c) {
        this.c = c;
        this.handler = c.handler;
        // RSV1 is legal only when permessage-deflate was negotiated (RFC 7692 §6); the parser
        // still refuses it on continuation and control frames (§6.1).
        this.parser = new FrameParser(c.role == Connection.Role.SERVER, c.options.acceptUnmaskedFrames(),
                c.options.maxFramePayload(), c.deflate != null);
        this.wantsFrames = handler instanceof LambdaHandler l ? l.onFrame != null : OVERRIDES_ON_FRAME.get(handler.getClass());
        this.maxMessageSize = c.options.maxMessageSize();
        this.timers = new Timers(c);
    }

    /** Makes the reader look at its timers now (a close was queued from another thread). */
    void wake() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        timers.start(System.nanoTime());
        Throwable readError = null;
        try {
            if (callback(() -> handler.onOpen(c))) {
                readFrames();
            }
            discardUntilEnd();
        } catch (IOException e) {
            readError = e;
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "reader of " + c + " failed", e);
            readError = e;
        } finally {
            if (buf != null) {
                ReadBuffers.release(buf);
                buf = null;
            }
            message = null;
            if (c.deflate != null) {
                c.deflate.closeReceiver(); // reader-owned inflater: ended or back to the pool
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
        long length = parser.payloadLength();
        if (opcode >= Opcode.CLOSE.code()) {
            byte[] payload = length == 0 ? EMPTY : new byte[(int) length];
            readPayload(payload, 0, payload.length, false);
            if (wantsFrames && !callback(() -> handler.onFrame(c, new Frame(true, 0, Opcode.of(opcode), payload)))) {
                return false;
            }
            return onControl(opcode, payload);
        }
        boolean fin = parser.fin();
        if (opcode != Opcode.CONTINUATION.code()) {
            messageBinary = opcode == Opcode.BINARY.code();
            messageLength = 0;
            utf8.reset();
            messageCompressed = (parser.rsv() & 0b100) != 0; // §6: RSV1 on the first frame only
            if (messageCompressed) {
                c.deflate.beginMessage();
            }
        }
        if (messageCompressed) {
            return onCompressedFrame(opcode, fin, (int) length);
        }
        if (messageLength + length > maxMessageSize) {
            throw new WebSocketException(CloseCode.MESSAGE_TOO_BIG,
                    "message larger than " + maxMessageSize + " bytes");
        }
        int len = (int) length;
        boolean text = !messageBinary;
        byte[] data;
        int frameStart;
        if (fin && opcode != Opcode.CONTINUATION.code()) {
            // A whole message in one frame: read it straight into the array onData receives.
            data = len == 0 ? new byte[0] : new byte[len];
            frameStart = 0;
            readPayload(data, 0, len, text);
            messageLength = len;
        } else {
            ensureMessageCapacity(messageLength + len);
            frameStart = messageLength;
            readPayload(message, messageLength, len, text);
            messageLength += len;
            data = fin ? takeMessage() : null;
        }
        if (wantsFrames && !frameSeen(fin, opcode, data != null && frameStart == 0 && len == data.length ? data
                : Arrays.copyOfRange(data != null ? data : message, frameStart, frameStart + len))) {
            return false;
        }
        return !fin || deliver(data);
    }

    /**
     * A frame of a compressed message (RFC 7692 §6.2): its payload is read whole (at most
     * maxFramePayload bytes), inflated at once into the message, and the inflated bytes are
     * UTF-8-checked as they come. The inflated size, not the wire size, counts against
     * maxMessageSize, and the inflater stops at that limit (1009), so a zip bomb costs at most
     * the limit. onFrame sees the frame as it was on the wire: RSV1 and the compressed payload.
     */
    private boolean onCompressedFrame(int opcode, boolean fin, int len) throws IOException {
        PerMessageDeflate deflate = c.deflate;
        byte[] wire = len == 0 ? EMPTY : new byte[len];
        readPayload(wire, 0, len, false);
        int before = deflate.inflatedLength();
        deflate.inflate(wire, 0, len);
        if (fin) {
            deflate.finishMessage();
        }
        boolean text = !messageBinary;
        int produced = deflate.inflatedLength() - before;
        if (text && produced > 0 && !utf8.feed(deflate.inflated(), before, produced)) {
            throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
        }
        if (wantsFrames && !frameSeen(fin, opcode, wire)) {
            return false;
        }
        return !fin || deliver(deflate.takeMessage());
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
        } catch (RuntimeException e) {
            return callbackFailed(e);
        }
    }

    private boolean onControl(int opcode, byte[] payload) throws IOException {
        if (opcode == Opcode.PING.code()) {
            c.pong(payload); // §5.5.2: answer with the same payload; CLOSED once closing, which is fine
            return callback(() -> handler.onPing(c, payload));
        }
        if (opcode == Opcode.PONG.code()) {
            timers.onPong(payload);
            return callback(() -> handler.onPong(c, payload));
        }
        int code = ClosePayload.validate(payload);
        c.onCloseReceived(code, ClosePayload.reason(payload));
        return true;
    }

    /** Reads a payload of the current frame into {@code dst}, unmasking and (for text) validating as bytes arrive. */
    private void readPayload(byte[] dst, int off, int len, boolean text) throws IOException {
        boolean masked = parser.masked();
        int key = parser.maskKey();
        int keyPos = 0;
        int done = 0;
        while (done < len) {
            int at = off + done;
            int n;
            if (buf != null && buf.hasRemaining()) {
                n = Math.min(buf.remaining(), len - done);
                if (masked) {
                    keyPos = Masking.unmaskCopy(buf, dst, at, n, key, keyPos);
                } else {
                    buf.get(dst, at, n);
                }
            } else if (len - done >= DIRECT_READ_THRESHOLD) {
                releaseEmptyBuffer();
                n = c.transport.read(ByteBuffer.wrap(dst, at, len - done));
                if (n < 0) {
                    throw new EOFException("end of stream inside a frame");
                }
                if (n == 0) {
                    awaitReadable();
                    continue;
                }
                timers.onRead(System.nanoTime());
                if (masked) {
                    keyPos = Masking.mask(dst, at, n, key, keyPos);
                }
            } else {
                if (!readMore()) {
                    throw new EOFException("end of stream inside a frame");
                }
                continue;
            }
            if (text && !utf8.feed(dst, at, n)) {
                throw new WebSocketException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            }
            done += n;
        }
    }

    /**
     * Reads at least one more byte into the buffer (keeping the unparsed ones), waiting as long
     * as needed; false at end of stream. Gives the buffer back while waiting with nothing in it.
     */
    private boolean readMore() throws IOException {
        while (true) {
            if (buf == null) {
                buf = ReadBuffers.acquire().flip();
            }
            if (buf.position() > 0) {
                buf.compact().flip(); // keep the unparsed bytes, make room after them
            }
            int limit = buf.limit();
            buf.position(limit).limit(buf.capacity());
            int n = c.transport.read(buf);
            buf.limit(buf.position()).position(0);
            if (n > 0) {
                timers.onRead(System.nanoTime());
                return true;
            }
            if (n < 0) {
                return false;
            }
            releaseEmptyBuffer();
            awaitReadable();
        }
    }

    private void releaseEmptyBuffer() {
        if (buf != null && !buf.hasRemaining()) {
            ReadBuffers.release(buf);
            buf = null;
        }
    }

    private void awaitReadable() throws IOException {
        c.transport.awaitReadable(timers.run());
    }

    private void ensureMessageCapacity(long needed) {
        if (message == null || message.length < needed) {
            long grown = message == null ? needed : Math.max(needed, Math.min(2L * message.length, maxMessageSize));
            message = message == null ? new byte[(int) grown] : Arrays.copyOf(message, (int) grown);
        }
    }

    /** The assembled message as an exactly-sized array; the assembly buffer is not kept between messages. */
    private byte[] takeMessage() {
        byte[] m = message.length == messageLength ? message : Arrays.copyOf(message, messageLength);
        message = null;
        return m;
    }

    /** Runs a callback; a throwing callback fails the connection with 1011. False when it threw. */
    private boolean callback(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RuntimeException e) {
            return callbackFailed(e);
        }
    }

    private boolean callbackFailed(RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "callback of " + c + " threw", e);
        notifyError(e);
        c.fail(new WebSocketException(CloseCode.INTERNAL_ERROR, "handler failed", e));
        return false;
    }

    private void notifyError(Throwable e) {
        try {
            handler.onError(c, e);
        } catch (RuntimeException ignored) {
            // the original failure is what matters; the connection is failing anyway
        }
    }
}
