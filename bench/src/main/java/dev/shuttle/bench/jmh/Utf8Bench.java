package dev.shuttle.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.Utf8StringBuilder;
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

import dev.shuttle.websocket.internal.codec.Utf8Validator;

/**
 * UTF-8 validation of a text message (RFC 6455 §8.1): Shuttle's incremental validator against
 * the JDK's strict decoder and Jetty's {@code Utf8StringBuilder} (what Jetty runs on text
 * frames); the latter two also build the characters, which is part of their price. Inputs:
 * pure ASCII (chat, JSON) and mixed text with 2-, 3- and 4-byte characters.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Utf8Bench {
    @Param({"1024", "65536"})
    public int size;

    @Param({"ascii", "mixed"})
    public String text;

    private byte[] input;
    private final Utf8Validator validator = new Utf8Validator();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    @Setup
    public void setup() {
        String unit = text.equals("ascii") ? "{\"type\":\"tick\",\"value\":12345} " : "héllo wörld – ünïcode ✓ 日本語 😀 ";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        // Cut on a character boundary at or below size.
        int n = size;
        while (n > 0 && (all[n] & 0xC0) == 0x80) {
            n--;
        }
        input = java.util.Arrays.copyOf(all, n);
    }

    @Benchmark
    public boolean shuttle(Bytes counter) {
        counter.bytes += input.length;
        validator.reset();
        return validator.feed(input, 0, input.length) && validator.isComplete();
    }

    @Benchmark
    public int jdkDecoder(Bytes counter) throws CharacterCodingException {
        counter.bytes += input.length;
        return decoder.reset().decode(ByteBuffer.wrap(input)).length();
    }

    @Benchmark
    public int jetty(Bytes counter) {
        counter.bytes += input.length;
        Utf8StringBuilder b = new Utf8StringBuilder(input.length);
        b.append(input, 0, input.length);
        return b.toCompleteString().length();
    }
}
