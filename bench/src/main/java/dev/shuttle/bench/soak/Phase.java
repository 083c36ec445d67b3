package dev.shuttle.bench.soak;

import java.io.IOException;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;

import dev.shuttle.bench.load.ClientFrames;

/**
 * What the client processes do to the server, one phase at a time. Each connection either ends
 * within its own step (churn, and the immediate resets) or is held in its hostile state until the
 * soak process has measured the server with all of them open; held peers are then reset.
 */
enum Phase {
    /** Open, upgrade, echo one message, then end three ways in turn: close handshake, reset, FIN without a close frame. */
    CHURN("churn") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, 0).upgrade();
            try {
                s.echo("churn " + i);
                switch (i % 3) {
                    case 0 -> s.closeHandshake();
                    case 1 -> s.reset();
                    default -> s.close();
                }
            } catch (IOException | RuntimeException e) {
                s.reset();
                throw e;
            }
        }
    },
    /** Part of the upgrade request, then a reset: at once for even peers, after the measurement for odd ones. */
    HANDSHAKE_RESET("handshake-reset") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, 0);
            byte[] request = s.request();
            s.send(request, 0, 1 + ThreadLocalRandom.current().nextInt(request.length - 5)); // never the blank line
            holdOrReset(i, s, held);
        }
    },
    /** Upgrade, then a 64 KiB frame's header and part of its payload, then a reset (at once or after the measurement). */
    FRAME_RESET("frame-reset") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, 0).upgrade();
            byte[] frame = SoakSocket.frame(ClientFrames.OP_BINARY, ClientFrames.payload(64 * 1024));
            s.send(frame, 0, 14 + ThreadLocalRandom.current().nextInt(frame.length - 14));
            holdOrReset(i, s, held);
        }
    },
    /**
     * A 4 KiB receive window, 6 MiB of messages for the server to echo, and no reading at all:
     * more than the server's socket buffer (up to 4 MiB on Linux) and its queue (4 MiB, DROP
     * beyond) take, so a write blocks and the server's write-stall timeout must drop the peer.
     */
    SLOW_CONSUMER("slow-consumer") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, 4096).upgrade();
            byte[] message = SoakSocket.frame(ClientFrames.OP_BINARY, ClientFrames.payload(64 * 1024));
            for (int m = 0; m < 96; m++) {
                s.send(message);
            }
            held.add(s);
        }
    },
    /**
     * 2,000 pings of 125 bytes in one burst; even peers read every pong, odd ones read nothing
     * (the server's pong lane is bounded, then the write-stall timeout drops them).
     */
    PING_FLOOD("ping-flood") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, i % 2 == 0 ? 0 : 4096).upgrade();
            if (i % 2 == 0) {
                Thread.ofVirtual().start(s::drain);
            }
            byte[] ping = SoakSocket.frame(ClientFrames.OP_PING, ClientFrames.payload(125));
            byte[] burst = new byte[ping.length * 100];
            for (int k = 0; k < 100; k++) {
                System.arraycopy(ping, 0, burst, k * ping.length, ping.length);
            }
            for (int k = 0; k < 20; k++) {
                s.send(burst);
            }
            held.add(s);
        }
    },
    /** Upgrade, then one 14-byte header declaring a 1 MiB binary frame, then nothing (issue 9). */
    HEADER_ONLY("header-only") {
        @Override
        void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException {
            SoakSocket s = SoakSocket.connect(host, port, 0).upgrade();
            s.send(SoakSocket.header(ClientFrames.OP_BINARY, 1 << 20));
            held.add(s);
        }
    };

    final String label;

    Phase(String label) {
        this.label = label;
    }

    /** What the client does for its {@code i}-th connection; a peer to keep goes into {@code held}. */
    abstract void step(int i, String host, int port, Queue<SoakSocket> held) throws IOException;

    /** Whether the server itself must drop this phase's held peers (write stall) before they are reset. */
    boolean serverDropsHeldPeers() {
        return this == SLOW_CONSUMER;
    }

    private static void holdOrReset(int i, SoakSocket s, Queue<SoakSocket> held) {
        if (i % 2 == 0) {
            s.reset();
        } else {
            held.add(s);
        }
    }

    static Phase parse(String label) {
        for (Phase p : values()) {
            if (p.label.equals(label.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown phase " + label);
    }
}
