package dev.shuttle.autobahn.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fuzzing end of one case's connection, in either role: the client when a server is tested
 * (like wstest's fuzzingclient) or the server when a client is tested (fuzzingserver). It keeps
 * the suite's bookkeeping of who closed, who dropped and whether the close was clean, which the
 * case grades. Everything but the blocking reads runs on one loop thread, so case code, timers
 * and received events never race, as in the suite's single reactor.
 */
public final class Fuzzer {
    public enum Role { CLIENT, SERVER }

    private enum State { OPEN, CLOSING, CLOSED }

    /** The suite's closeHandshakeTimeout and serverConnectionDropTimeout: 1 s each. */
    static final long CLOSE_HANDSHAKE_TIMEOUT_MS = 1000;
    static final long SERVER_DROP_TIMEOUT_MS = 1000;
    /** Larger incoming frames mean a broken peer: 16 MiB is the catalog's largest message. */
    private static final long MAX_RECEIVED_FRAME = 32L << 20;

    private final Role role;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final CaseScript script;
    private final ScheduledExecutorService loop;
    private final Random random = new Random();
    private final CompletableFuture<Void> lost = new CompletableFuture<>();

    // Loop thread only from here on.
    private State state = State.OPEN;
    private int messageOpcode = -1;
    private ByteArrayOutputStream message;
    private boolean messageCompressed;
    /** permessage-deflate as negotiated (sections 12, 13), or null: every data message is compressed. */
    Pmd.Codec deflate;
    private boolean closeSent;
    private boolean closeReceived;
    /** Split outgoing messages into frames of this many octets (case 10.1.1); 0 = one frame. */
    public int autoFragmentSize;
    boolean closedByMe;
    boolean failedByMe;
    boolean droppedByMe;
    boolean wasClean;
    String wasNotCleanReason;
    boolean wasCloseHandshakeTimeout;
    boolean wasServerConnectionDropTimeout;
    String protocolViolation;
    Integer localCloseCode;
    String localCloseReason;
    Integer remoteCloseCode;
    String remoteCloseReason;
    long startNanos;
    long endNanos;
    final Map<Integer, Integer> txFrames = new TreeMap<>();
    final Map<Integer, Integer> rxFrames = new TreeMap<>();

    Fuzzer(Role role, Socket socket, InputStream in, CaseScript script) throws IOException {
        this.role = role;
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.script = script;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("fuzzer-loop").unstarted(r));
        script.p = this;
    }

    public Role role() {
        return role;
    }

    /** Whether permessage-deflate was negotiated on this connection. */
    public boolean deflate() {
        return deflate != null;
    }

    /** How many frames of this opcode this end has sent (case 10.1.1 counts them). */
    public int framesSent(int opcode) {
        return txFrames.getOrDefault(opcode, 0);
    }

    /** Runs the case: its onOpen on the loop, and a reader thread; completes when TCP is gone. */
    CompletableFuture<Void> start() {
        loop.execute(() -> {
            startNanos = System.nanoTime();
            script.onOpen();
        });
        Thread.ofVirtual().name("fuzzer-reader").start(this::readLoop);
        return lost;
    }

    /** After the case is graded (or abandoned): stop the loop. */
    void shutdown() {
        loop.shutdownNow();

        closeQuietly();
    }

    /** Abandons a case that outlived its safety cap: fail the connection as killAfter would. */
    void abandon() {
        loop.execute(() -> failConnection("case exceeded the runner's safety cap"));
    }

    private void readLoop() {
        try {
            while (true) {
                Wire.Frame f = Wire.read(in, MAX_RECEIVED_FRAME);
                if (f == null) {
                    post(() -> connectionLost("peer closed the TCP connection"));
                    return;
                }
                post(() -> onFrame(f));
            }
        } catch (IOException e) {
            post(() -> connectionLost("TCP connection lost: " + e.getMessage()));
        }
    }

    private void post(Runnable r) {
        if (!loop.isShutdown()) {
            try {
                loop.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // the case is over
            }
        }
    }

    // ---- what cases call (on the loop thread) ------------------------------------------------

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Sends one frame as given, whatever the state (the catalog sends frames after close on purpose). */
    public void sendFrame(int opcode, byte[] payload) {
        sendFrame(opcode, payload, true, 0, 0, false);
    }

    /**
     * Sends one frame. {@code chop > 0} writes the encoded frame in pieces of that many octets,
     * each its own write (the suite's chopsize); {@code sync} gives the frame its own write.
     */
    public void sendFrame(int opcode, byte[] payload, boolean fin, int rsv, int chop, boolean sync) {
        byte[] bytes = encode(opcode, fin, rsv, payload);
        txFrames.merge(opcode, 1, Integer::sum);
        if (chop > 0) {
            for (int i = 0; i < bytes.length; i += chop) {
                sendRaw(bytes, i, Math.min(bytes.length, i + chop));
            }
        } else {
            sendRaw(bytes, 0, bytes.length);
        }
    }

    /** Encodes a frame as this end sends it (masked by a client, with a fresh key). */
    public byte[] encode(int opcode, boolean fin, int rsv, byte[] payload) {
        byte[] key = null;
        if (role == Role.CLIENT) {
            key = new byte[4];
            random.nextBytes(key);
        }
        return Wire.encode(opcode, fin, rsv, payload, key);
    }

    /** Writes raw octets (part of a frame, for the chopped cases); ignored once TCP is gone. */
    public void sendRaw(byte[] bytes, int from, int to) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            out.write(bytes, from, to - from);
            out.flush();
        } catch (IOException e) {
            // The peer is gone; the reader reports the loss.
        }
    }

    /** Sends a message in one frame, or in frames of {@code fragmentSize} (0: autoFragmentSize or none). */
    public void sendMessage(byte[] payload, boolean binary, int fragmentSize) {
        int size = fragmentSize > 0 ? fragmentSize : autoFragmentSize;
        int opcode = binary ? Wire.BINARY : Wire.TEXT;
        int rsv = deflate != null ? 4 : 0; // RSV1 on the first frame of a compressed message
        payload = deflate != null ? deflate.compress(payload) : payload;
        if (size <= 0 || payload.length <= size) {
            sendFrame(opcode, payload, true, rsv, 0, false);
            return;
        }
        for (int i = 0; i < payload.length; i += size) {
            int end = Math.min(payload.length, i + size);
            byte[] part = java.util.Arrays.copyOfRange(payload, i, end);
            sendFrame(i == 0 ? opcode : Wire.CONTINUATION, part, end == payload.length, i == 0 ? rsv : 0, 0, false);
        }
    }

    public void sendMessage(byte[] payload, boolean binary) {
        sendMessage(payload, binary, 0);
    }

    /** Starts the closing handshake, unless it has started; {@code code} null sends an empty close. */
    public void sendClose(Integer code, String reason) {
        if (state == State.OPEN) {
            sendCloseFrame(code, reason == null ? null : reason.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    /** Sends a close frame with any code and raw reason octets (the 7.x cases); starts closing. */
    public void sendCloseFrame(Integer code, byte[] reason) {
        sendCloseFrame(code, reason, false);
    }

    private void sendCloseFrame(Integer code, byte[] reason, boolean isReply) {
        if (state != State.OPEN) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(2 + (reason == null ? 0 : reason.length));
        if (code != null) {
            b.putShort((short) (int) code);
        }
        if (reason != null) {
            b.put(reason);
        }
        sendFrame(Wire.CLOSE, java.util.Arrays.copyOf(b.array(), b.position()));
        closeSent = true;
        state = State.CLOSING;
        closedByMe = !isReply;
        localCloseCode = code;
        localCloseReason = reason == null ? null : Event.show(reason);
        if (closedByMe) {
            schedule(CLOSE_HANDSHAKE_TIMEOUT_MS, () -> {
                if (!closeReceived) {
                    wasCloseHandshakeTimeout = true;
                    wasNotCleanReason = "peer did not answer our close frame in time";
                    dropConnection();
                }
            });
        }
    }

    /** The suite's closeAfter: close (empty close frame) after a delay if still open. */
    public void closeAfter(double seconds) {
        schedule(millis(seconds), () -> sendClose(null, null));
    }

    /** The suite's killAfter: fail the connection (drop TCP) after a delay if it still exists. */
    public void killAfter(double seconds) {
        schedule(millis(seconds), () -> failConnection("killed after " + seconds + " s"));
    }

    /** Runs {@code action} after a delay unless the connection is gone by then. */
    public void continueLater(double seconds, Runnable action) {
        schedule(millis(seconds), action);
    }

    private static long millis(double seconds) {
        return Math.round(seconds * 1000);
    }

    private void schedule(long millis, Runnable action) {
        loop.schedule(() -> {
            if (state != State.CLOSED) {
                action.run();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    // ---- what the peer sends -----------------------------------------------------------------

    private void onFrame(Wire.Frame f) {
        if (state == State.CLOSED || closeReceived) {
            return; // nothing counts after the peer's close
        }
        rxFrames.merge(f.opcode(), 1, Integer::sum);
        String violation = PeerRules.violation(f, role, message != null, deflate != null);
        if (violation != null) {
            protocolViolation = violation;
            failConnection(violation);
            return;
        }
        switch (f.opcode()) {
            case Wire.PING -> {
                script.onPing(f.payload());
                if (state == State.OPEN) {
                    sendFrame(Wire.PONG, f.payload());
                }
            }
            case Wire.PONG -> script.onPong(f.payload());
            case Wire.CLOSE -> onClose(f.payload());
            default -> onData(f);
        }
    }

    private void onData(Wire.Frame f) {
        if (f.opcode() != Wire.CONTINUATION) {
            messageOpcode = f.opcode();
            messageCompressed = (f.rsv() & 4) != 0;
            message = new ByteArrayOutputStream(f.fin() ? 0 : 1024);
        }
        message.writeBytes(f.payload());
        if (!f.fin()) {
            return;
        }
        byte[] payload = message.toByteArray();
        boolean binary = messageOpcode == Wire.BINARY;
        message = null;
        if (messageCompressed) {
            try {
                payload = deflate.decompress(payload);
            } catch (java.util.zip.DataFormatException e) {
                protocolViolation = "compressed message does not inflate: " + e.getMessage();
                failConnection(protocolViolation);
                return;
            }
        }
        if (!binary && !Wire.isValidUtf8(payload)) {
            protocolViolation = "invalid UTF-8 in a text message";
            failConnection(protocolViolation);
            return;
        }
        script.onMessage(payload, binary);
    }

    private void onClose(byte[] payload) {
        Integer code = null;
        if (payload.length == 1) {
            protocolViolation = "close frame with a 1-octet payload";
            failConnection(protocolViolation);
            return;
        }
        if (payload.length >= 2) {
            code = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
            byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
            if (!PeerRules.validCode(code) || !Wire.isValidUtf8(reason)) {
                protocolViolation = "invalid close code " + code + " or reason";
                failConnection(protocolViolation);
                return;
            }
            remoteCloseReason = new String(reason, StandardCharsets.UTF_8);
        }
        remoteCloseCode = code;
        closeReceived = true;
        if (state == State.OPEN) {
            sendCloseFrame(code, null, true); // echo the peer's code, as the suite does
        }
        wasClean = true;
        if (role == Role.SERVER) {
            dropConnection(); // the server closes TCP (RFC 6455 §7.1.1)
        } else {
            schedule(SERVER_DROP_TIMEOUT_MS, () -> {
                wasClean = false;
                wasServerConnectionDropTimeout = true;
                wasNotCleanReason = "server did not drop TCP connection (in time)";
                dropConnection();
            });
        }
    }

    /** Fails the connection the suite's way (failByDrop): drop TCP at once. */
    void failConnection(String why) {
        if (state == State.CLOSED) {
            return;
        }
        failedByMe = true;
        if (wasNotCleanReason == null) {
            wasNotCleanReason = why;
        }
        dropConnection();
    }

    private void dropConnection() {
        if (state == State.CLOSED) {
            return;
        }
        droppedByMe = true;
        closeQuietly();
        connectionLost("dropped by me");
    }

    private void connectionLost(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        endNanos = System.nanoTime();
        if (!(closeSent && closeReceived)) {
            wasClean = false;
            if (wasNotCleanReason == null) {
                wasNotCleanReason = "peer dropped the TCP connection without previous WebSocket closing handshake";
            }
        }
        closeQuietly();
        try {
            script.grade();
            lost.complete(null);
        } catch (RuntimeException e) {
            lost.completeExceptionally(e);
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
