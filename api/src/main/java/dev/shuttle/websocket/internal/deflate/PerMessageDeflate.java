package dev.shuttle.websocket.internal.deflate;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.shuttle.websocket.Compression;
import dev.shuttle.websocket.WebSocketException;

/**
 * permessage-deflate state of one connection once negotiated: which direction keeps its LZ77
 * window between messages (RFC 7692 §7.1.1), and the one compressor and one decompressor a
 * connection may own.
 * <p>
 * <b>Sending.</b> Without context takeover each message is compressed on its own by the thread
 * that writes it ({@link #compressNow}), with a deflater borrowed from {@link Zlib}'s pool for
 * that message. With context takeover the compressed stream must follow the order of the frames
 * on the wire, and a message dropped by the overflow policy must never enter the window; so
 * writers queue the plain message marked with RSV1 and the connection's single writer (whoever
 * holds its drain flag) compresses it just before writing ({@link #compressQueued}), with a
 * deflater owned by this connection, created on first use. Only that writer uses it; {@link #closeSender} may run on
 * another thread, hence the lock (held for CPU work only, never across I/O).
 * <p>
 * <b>Receiving</b> is owned by the reader thread: an inflater borrowed per message when the peer
 * resets its window, or owned and created on first use when it does not; ended or returned by
 * {@link #closeReceiver} when the reader finishes.
 */
public final class PerMessageDeflate {
    private final DeflateParams params;
    private final boolean masked;
    private final int level;
    private final int threshold;
    private final boolean sendTakeover;
    private final boolean receiveTakeover;

    // Sending with context takeover: drainer-owned, closed from any thread under the lock.
    private final ReentrantLock deflaterLock = new ReentrantLock();
    private Deflater deflater;
    private boolean senderClosed;

    // Receiving: reader-owned.
    private final Inflation inflation;
    private Inflater inflater;

    /**
     * @param server which end we are: a server sends with the server's parameters and receives
     *               with the client's, and does not mask
     */
    public PerMessageDeflate(DeflateParams params, Compression config, boolean server, long maxMessageSize) {
        this.params = params;
        this.masked = !server;
        this.level = config.level();
        this.threshold = config.threshold();
        this.sendTakeover = !params.sendNoContextTakeover(server);
        this.receiveTakeover = !params.receiveNoContextTakeover(server);
        this.inflation = new Inflation(maxMessageSize);
    }

    public DeflateParams params() {
        return params;
    }

    public int level() {
        return level;
    }

    /** Whether a data message of this many bytes is sent compressed (the threshold of {@link Compression}). */
    public boolean compresses(int payloadLength) {
        return payloadLength >= threshold;
    }

    /** True when our compressor keeps its window: compression happens in the drainer, in wire order. */
    public boolean sendContextTakeover() {
        return sendTakeover;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Without context takeover: the compressed frame, made now on the calling thread with a
     * pooled deflater; null when compressing would not make the message smaller, so the caller
     * sends it plain (§6: RSV1 is chosen per message).
     */
    public ByteBuffer compressNow(int opcode, byte[] payload, int off, int len) {
        Deflater d = Zlib.borrowDeflater(level);
        try {
            ByteBuffer frame = DeflateCodec.compressFrame(d, payload, off, len, opcode, masked);
            return frame.limit() - DeflateCodec.payloadOffset(frame) < len ? frame : null;
        } finally {
            Zlib.release(level, d);
        }
    }

    /**
     * With context takeover, called by the drainer only: turns a queued plain frame whose RSV1
     * marks it "to be compressed" into the compressed frame (RSV1 then means §6 "compressed").
     * Dropped messages never get here, so the peer's window always matches ours.
     */
    public ByteBuffer compressQueued(ByteBuffer marked) {
        int opcode = marked.get(marked.position()) & 0x0F;
        int at = DeflateCodec.payloadOffset(marked);
        deflaterLock.lock();
        try {
            if (senderClosed) {
                throw new IllegalStateException("connection closed");
            }
            if (deflater == null) {
                deflater = Zlib.newDeflater(level);
            }
            return DeflateCodec.compressFrame(deflater, marked.array(), marked.arrayOffset() + at,
                    marked.limit() - at, opcode, masked);
        } finally {
            deflaterLock.unlock();
        }
    }

    /** The connection is finished: the owned deflater is ended (§7.1.1's window dies with the connection). */
    public void closeSender() {
        deflaterLock.lock();
        try {
            senderClosed = true;
            if (deflater != null) {
                Zlib.end(deflater);
                deflater = null;
            }
        } finally {
            deflaterLock.unlock();
        }
    }

    // ---------------------------------------------------------------- receiving (reader thread)

    /** The first frame of a compressed message (RSV1 set, §6.1). */
    public void beginMessage() {
        if (inflater == null) {
            inflater = receiveTakeover ? Zlib.newInflater() : Zlib.borrowInflater();
        }
        inflation.clear();
    }

    /** Inflates one frame's compressed payload into the message (as frames arrive, not at the end). */
    public void inflate(byte[] in, int off, int len) throws WebSocketException {
        inflation.inflate(inflater, in, off, len);
    }

    /** After the last frame: the §7.2.2 tail; a pooled inflater goes back, an owned one keeps its window. */
    public void finishMessage() throws WebSocketException {
        inflation.finish(inflater);
        if (!receiveTakeover) {
            Zlib.release(inflater);
            inflater = null;
        } else if (inflater.finished()) {
            inflater.reset(); // the peer ended its stream (BFINAL): its next message starts a new one
        }
    }

    /** Inflated bytes of the message so far: {@code inflated()[0 .. inflatedLength())}. */
    public byte[] inflated() {
        return inflation.buffer();
    }

    public int inflatedLength() {
        return inflation.length();
    }

    /** The whole inflated message. */
    public byte[] takeMessage() {
        return inflation.take();
    }

    /** The reader is finished: end an owned inflater, return a borrowed one (reset), drop the buffer. */
    public void closeReceiver() {
        inflation.clear();
        if (inflater != null) {
            if (receiveTakeover) {
                Zlib.end(inflater);
            } else {
                Zlib.release(inflater);
            }
            inflater = null;
        }
    }
}
