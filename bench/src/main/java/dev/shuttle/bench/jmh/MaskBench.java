package dev.shuttle.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
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

import dev.shuttle.websocket.internal.codec.Masking;

/**
 * RFC 6455 §5.3 masking, 16 B to 1 MiB: in place on an array ({@code mask}, what a client does
 * before sending) and while copying out of a direct read buffer ({@code unmaskCopy}, what the
 * server's reader does). The target is 8 GB/s per core; read the {@code bytes} counter.
 * A plain byte-at-a-time loop is the yardstick the 8-byte version must beat.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MaskBench {
    @Param({"16", "128", "1024", "16384", "65536", "1048576"})
    public int size;

    private byte[] array;
    private byte[] dst;
    private ByteBuffer direct;
    private int key;

    @Setup
    public void setup() {
        array = new byte[size];
        ThreadLocalRandom.current().nextBytes(array);
        dst = new byte[size];
        direct = ByteBuffer.allocateDirect(size).put(array).flip();
        key = ThreadLocalRandom.current().nextInt();
    }

    @Benchmark
    public int mask(Bytes counter) {
        counter.bytes += size;
        return Masking.mask(array, 0, size, key, 0);
    }

    @Benchmark
    public int unmaskCopy(Bytes counter) {
        counter.bytes += size;
        direct.position(0);
        return Masking.unmaskCopy(direct, dst, 0, size, key, 0);
    }

    @Benchmark
    public byte byteAtATime(Bytes counter) {
        counter.bytes += size;
        byte[] a = array;
        for (int i = 0; i < a.length; i++) {
            a[i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
        }
        return a[0];
    }
}
