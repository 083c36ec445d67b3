package dev.shuttle.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One load-generator thread: a selector over many connections. It connects them (a bounded
 * number of handshakes at a time, so the server's accept backlog is not the thing measured),
 * then reads every readable socket into one shared buffer, walks the frames and lets the
 * {@link Scenario} decide what to send next. Writes are pipelined: a connection keeps writing
 * until its socket's send buffer is full, then waits for OP_WRITE.
 */
final class IoLoop implements Runnable, FrameReader.Sink {
    /** Handshakes in progress at once, per loop. */
    private static final int MAX_CONNECTING = 128;
    /** Write rounds per connection per turn, so one connection cannot starve the others. */
    private static final int MAX_ROUNDS = 8;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final InetSocketAddress address;
    private final String host;
    private final String path;
    private final Scenario scenario;
    private final Control control;
    private final List<Conn> conns = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Selector selector;
    private int nextToConnect;
    private int connecting;
    private boolean started;
    private Conn current;
    private long now;
    /** Measurement window, by this loop's clock; set by the loop thread, read after join. */
    long measureStart;
    long measureEnd;
    /** CPU time this thread used in the window: is the generator itself the bottleneck? */
    long cpuStart;
    long cpuEnd;

    IoLoop(InetSocketAddress address, String path, Scenario scenario, Control control) throws IOException {
        this.address = address;
        this.host = address.getHostString();
        this.path = path;
        this.scenario = scenario;
        this.control = control;
        this.selector = Selector.open();
    }

    void add(Conn c) {
        conns.add(c);
    }

    Scenario scenario() {
        return scenario;
    }

    @Override
    public void run() {
        int seen = Control.CONNECT;
        try {
            while (true) {
                now = System.nanoTime();
                int phase = control.phase;
                if (phase != seen) {
                    if (!transition(seen, phase)) {
                        break;
                    }
                    seen = phase;
                }
                startConnects();
                boolean busy = started && scenario.polls() && pollWrites();
                if (busy) {
                    selector.selectNow();
                } else {
                    selector.select(started && scenario.polls() ? 1 : 20);
                }
                now = System.nanoTime();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    ready(key, (Conn) key.attachment());
                }
            }
        } catch (IOException | RuntimeException e) {
            control.error("loop: " + e);
            e.printStackTrace();
        } finally {
            closeAll();
        }
    }

    /** Returns false when the loop should end. */
    private boolean transition(int from, int to) {
        if (from < Control.WARMUP && to >= Control.WARMUP) {
            started = true;
            for (Conn c : conns) {
                if (c.state == Conn.OPEN) {
                    scenario.start(c, now);
                    flush(c);
                }
            }
        }
        if (from < Control.MEASURE && to >= Control.MEASURE) {
            scenario.reset();
            measureStart = now;
            cpuStart = CPU.getCurrentThreadCpuTime();
        }
        if (to == Control.DONE) {
            measureEnd = now;
            cpuEnd = CPU.getCurrentThreadCpuTime();
            return false;
        }
        return true;
    }

    private void startConnects() {
        while (connecting < MAX_CONNECTING && nextToConnect < conns.size()
                && conns.get(nextToConnect).index < control.connectLimit) {
            Conn c = conns.get(nextToConnect++);
            connecting++;
            try {
                c.channel = SocketChannel.open();
                c.channel.configureBlocking(false);
                c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                if (c.channel.connect(address)) {
                    connected(c);
                }
            } catch (IOException e) {
                fail(c, "connect: " + e);
            }
        }
    }

    private void ready(SelectionKey key, Conn c) {
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                if (c.channel.finishConnect()) {
                    connected(c);
                }
                return;
            }
            if (key.isReadable()) {
                read(c);
            }
            if (c.state == Conn.OPEN && key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    private void connected(Conn c) throws IOException {
        c.handshake = new ClientHandshake(host, address.getPort(), path);
        ByteBuffer request = ByteBuffer.wrap(c.handshake.request());
        c.channel.write(request);
        if (request.hasRemaining()) {
            throw new IOException("the handshake request did not fit an empty socket buffer");
        }
        c.state = Conn.HANDSHAKING;
        c.handshakeIn = new byte[4096];
        c.key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            if (c.state == Conn.OPEN) {
                lose(c, "closed by the server");
            } else {
                fail(c, "closed by the server during the handshake");
            }
            return;
        }
        readBuffer.flip();
        if (c.state == Conn.HANDSHAKING) {
            handshakeRead(c);
            return;
        }
        current = c;
        c.reader.feed(readBuffer, this);
        if (started && c.state == Conn.OPEN) {
            flush(c);                   // a reply may make the next send due (closed loop, publisher window)
        }
    }

    private void handshakeRead(Conn c) throws IOException {
        int n = Math.min(readBuffer.remaining(), c.handshakeIn.length - c.handshakeHave);
        readBuffer.get(c.handshakeIn, c.handshakeHave, n);
        c.handshakeHave += n;
        int end;
        try {
            end = c.handshake.check(c.handshakeIn, c.handshakeHave);
        } catch (IllegalStateException e) {
            fail(c, e.getMessage());
            return;
        }
        if (end < 0) {
            if (c.handshakeHave == c.handshakeIn.length) {
                fail(c, "response head longer than " + c.handshakeIn.length + " bytes");
            }
            return;
        }
        byte[] leftover = c.handshakeIn;
        int have = c.handshakeHave;
        c.handshakeIn = null;
        c.handshake = null;
        c.state = Conn.OPEN;
        connecting--;
        control.opened.incrementAndGet();
        current = c;
        c.reader.feed(ByteBuffer.wrap(leftover, end, have - end), this);
        if (started) {
            scenario.start(c, now);
            flush(c);
        }
    }

    @Override
    public void frame(int opcode, boolean fin, long payloadLength, long stamp) {
        Conn c = current;
        if (opcode == ClientFrames.OP_CLOSE) {
            lose(c, "close frame from the server");
        } else if (fin && opcode <= ClientFrames.OP_BINARY) {
            scenario.received(c, opcode, payloadLength, stamp, now);
        }
    }

    /** Offers every open, unblocked connection a chance to send; true if one may still send more at once. */
    private boolean pollWrites() {
        boolean wrote = false;
        for (Conn c : conns) {
            if (c.state == Conn.OPEN && !c.blocked) {
                wrote |= flush(c);
            }
        }
        return wrote;
    }

    /**
     * Writes what the scenario has for {@code c} until it has nothing or the socket is full;
     * returns true when something was written and the socket still has room.
     */
    private boolean flush(Conn c) {
        boolean wrote = false;
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (c.pending == null || !c.pending.hasRemaining()) {
                    c.pending = scenario.next(c, now);
                    if (c.pending == null) {
                        break;
                    }
                }
                wrote |= c.channel.write(c.pending) > 0;
                if (c.pending.hasRemaining()) {
                    if (!c.blocked) {
                        c.blocked = true;
                        c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    // A full socket is not a reason to spin: OP_WRITE tells us when there is room.
                    return false;
                }
            }
            if (c.blocked) {
                c.blocked = false;
                c.key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            lose(c, "write: " + e);
        }
        return wrote;
    }

    private void fail(Conn c, String why) {
        if (c.state == Conn.OPEN) {
            lose(c, why);
            return;
        }
        if (c.state == Conn.CONNECTING || c.state == Conn.HANDSHAKING) {
            connecting--;
            control.failed.incrementAndGet();
            control.error(why);
        }
        close(c);
    }

    private void lose(Conn c, String why) {
        if (c.state == Conn.OPEN) {
            control.lost.incrementAndGet();
            control.error(why);
        }
        close(c);
    }

    private void close(Conn c) {
        c.state = Conn.CLOSED;
        if (c.channel == null) {
            return;
        }
        try {
            // An abortive close (RST): no TIME_WAIT left behind, so run after run can reuse ports.
            c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private void closeAll() {
        for (Conn c : conns) {
            if (c.state != Conn.CLOSED) {
                close(c);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // exiting
        }
    }
}
