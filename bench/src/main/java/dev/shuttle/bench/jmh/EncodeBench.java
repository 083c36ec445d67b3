package dev.shuttle.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.Generator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.shuttle.websocket.internal.codec.FrameEncoder;

/**
 * Encoding one unmasked server frame from a payload array, side by side: Shuttle's
 * FrameEncoder.encode (header and payload copied into one new heap buffer, what a write queues),
 * Netty's WebSocket08FrameEncoder in an EmbeddedChannel (small frames merged into one pooled
 * buffer, large ones sent as header + the payload itself), Jetty's websocket-core Generator
 * (whole frame into a reused buffer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EncodeBench {
    @Param({"22", "125", "1024", "65536"})
    public int size;

    private byte[] payload;
    private EmbeddedChannel netty;
    private Generator jetty;
    private ByteBuffer jettyOut;

    @Setup
    public void setup() {
        payload = Inputs.payload(size);
        netty = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        jetty = new Generator();
        jettyOut = ByteBuffer.allocate(size + Generator.MAX_HEADER_LENGTH);
    }

    @TearDown
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    @Benchmark
    public ByteBuffer shuttle(Bytes counter) {
        counter.bytes += size;
        return FrameEncoder.encode(true, 0, 0x2, payload, 0, payload.length, false, 0);
    }

    @Benchmark
    public int netty(Bytes counter) {
        counter.bytes += size;
        netty.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        int n = 0;
        for (ByteBuf b; (b = netty.readOutbound()) != null; ) {
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    @Benchmark
    public int jetty(Bytes counter) {
        counter.bytes += size;
        BufferUtil.clear(jettyOut);      // Jetty's convention: empty in flush mode, it flips to fill itself
        jetty.generateWholeFrame(new Frame(OpCode.BINARY, ByteBuffer.wrap(payload)), jettyOut);
        return jettyOut.remaining();
    }
}
