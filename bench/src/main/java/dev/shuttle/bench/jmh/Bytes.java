package dev.shuttle.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Payload bytes processed, reported by JMH as a rate next to ops/s ("bytes" in bytes/s; divide
 * by 1e9 for GB/s), so throughput per byte can be read across payload sizes directly.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
        bytes = 0;
    }
}
