package dev.shuttle.bench.jmh;

import java.util.concurrent.ThreadLocalRandom;

import dev.shuttle.bench.load.ClientFrames;

/**
 * The same bytes for every library: a masked binary frame as a client sends it, encoded by the
 * load generator's own encoder (independent of all three libraries under test).
 */
final class Inputs {
    private Inputs() {
    }

    static byte[] payload(int size) {
        byte[] p = new byte[size];
        ThreadLocalRandom.current().nextBytes(p);
        return p;
    }

    static byte[] maskedFrame(byte[] payload) {
        byte[] frame = new byte[ClientFrames.frameLength(payload.length)];
        ClientFrames.encode(frame, 0, ClientFrames.OP_BINARY, payload, 0, payload.length, 0x1A2B3C4D);
        return frame;
    }
}
