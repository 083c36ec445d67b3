package dev.shuttle.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.internal.Parser;
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

import dev.shuttle.websocket.WebSocketException;
import dev.shuttle.websocket.internal.codec.FrameParser;
import dev.shuttle.websocket.internal.codec.Masking;

/**
 * Parsing one masked client frame (header checks and unmasking) on the server side, side by side:
 * Shuttle's FrameParser + unmaskCopy into the payload array (what its reader does), Netty's
 * WebSocket08FrameDecoder in an EmbeddedChannel (payload copied out of the input and unmasked),
 * Jetty's websocket-core Parser (payload unmasked in place in the input). Jetty and Netty
 * change the input, so every variant starts by copying the same wire bytes into its input
 * buffer: that copy is in every figure alike. Sizes: small (22 and 125 B), medium (1 KiB),
 * large (64 KiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ParseBench {
    @Param({"22", "125", "1024", "65536"})
    public int size;

    private byte[] wire;
    private ByteBuffer shuttleIn;
    private FrameParser shuttleParser;
    private EmbeddedChannel netty;
    private ByteBuffer jettyIn;
    private Parser jettyParser;

    @Setup
    public void setup() {
        wire = Inputs.maskedFrame(Inputs.payload(size));
        shuttleIn = ByteBuffer.allocateDirect(wire.length);
        shuttleParser = new FrameParser(true, false, 1 << 20, false);
        netty = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).maxFramePayloadLength(1 << 20).build()));
        jettyIn = ByteBuffer.allocateDirect(wire.length);
        jettyParser = new Parser(ByteBufferPool.NON_POOLING);
    }

    @TearDown
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    @Benchmark
    public byte[] shuttle(Bytes counter) throws WebSocketException {
        counter.bytes += size;
        ByteBuffer in = shuttleIn.clear().put(wire).flip();
        if (!shuttleParser.parseHeader(in)) {
            throw new IllegalStateException("incomplete");
        }
        byte[] payload = new byte[(int) shuttleParser.payloadLength()];
        Masking.unmaskCopy(in, payload, 0, payload.length, shuttleParser.maskKey(), 0);
        return payload;
    }

    @Benchmark
    public int netty(Bytes counter) {
        counter.bytes += size;
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(wire.length).writeBytes(wire);
        netty.writeInbound(in);
        WebSocketFrame frame = netty.readInbound();
        int n = frame.content().readableBytes();
        frame.release();
        return n;
    }

    @Benchmark
    public int jetty(Bytes counter) {
        counter.bytes += size;
        ByteBuffer in = jettyIn.clear().put(wire).flip();
        Frame.Parsed frame = jettyParser.parse(in);
        int n = frame.getPayloadLength();
        frame.close();
        return n;
    }
}
