package dev.shuttle.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.PreparedMessage;
import dev.shuttle.websocket.WebSocketHandler;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.internal.session.Connection;
import dev.shuttle.websocket.spi.Transport;

/**
 * One 1 KiB message published to a room of 10,000 members, through the real engine: each member
 * is a server {@link Connection} whose transport takes every byte at once (a socket that is never
 * full), so what is measured is the hub and the outbound path, not the kernel. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per publish: the payload
 * is framed once ({@link PreparedMessage}), then each member costs its queue entry, not a copy.
 * <pre>
 * java -jar bench/target/shuttle-bench.jar jmh HubPublishBench -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HubPublishBench {
    @Param({"10000"})
    public int members;

    @Param({"1024"})
    public int size;

    private Hub hub;
    private byte[] payload;

    @Setup
    public void setup() {
        hub = Hub.builder().build();
        Options options = Options.builder().build();
        for (int i = 0; i < members; i++) {
            Connection c = new Connection(new Sink(), Connection.Role.SERVER, options, new WebSocketHandler() { },
                    null, null, null, null, null);
            hub.join("room", c);
        }
        payload = Inputs.payload(size);
    }

    /** Frames a new message (as a relay does for each one it receives) and queues it to every member. */
    @Benchmark
    public int publishNewMessage() {
        return hub.publish("room", PreparedMessage.binary(payload));
    }

    /** A transport whose socket takes everything at once. */
    static final class Sink implements Transport {
        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public void awaitReadable(long timeoutNanos) {
        }

        @Override
        public void write(ByteBuffer[] buffers) {
            drain(buffers, 0, buffers.length);
        }

        @Override
        public boolean writesWithoutWaiting() {
            return true;
        }

        @Override
        public long writeNow(ByteBuffer[] buffers, int offset, int length) throws IOException {
            return drain(buffers, offset, length);
        }

        private static long drain(ByteBuffer[] buffers, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += buffers[i].remaining();
                buffers[i].position(buffers[i].limit());
            }
            return n;
        }

        @Override
        public void close() {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public InetSocketAddress localAddress() {
            return null;
        }
    }
}
