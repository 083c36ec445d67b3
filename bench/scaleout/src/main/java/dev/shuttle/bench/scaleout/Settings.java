package dev.shuttle.bench.scaleout;

/**
 * What every point of a run shares.
 *
 * @param members clients in the room, spread over the instances round robin
 * @param publishers of the members (the first ones, so also spread), each sending rate/publishers msgs/s
 * @param warmupSeconds publishing before the window (JIT, broker connections, buffers)
 * @param seconds the measurement window
 * @param size payload bytes of each message
 */
record Settings(int members, int publishers, int warmupSeconds, int seconds, int size) {
    Settings {
        if (members < 2) {
            throw new IllegalArgumentException("--members must be at least 2: " + members);
        }
        if (publishers < 1 || publishers > members) {
            throw new IllegalArgumentException("--publishers must be between 1 and --members: " + publishers);
        }
        if (warmupSeconds < 0 || seconds < 1) {
            throw new IllegalArgumentException("--warmup must be at least 0 and --seconds at least 1");
        }
        if (size < Payload.HEADER) {
            throw new IllegalArgumentException("--size must be at least " + Payload.HEADER + " (the stamp and id): " + size);
        }
    }
}
