package dev.shuttle.bench.load;

import java.nio.ByteBuffer;

/** The four load shapes; one instance per loop thread. */
final class Scenarios {
    private Scenarios() {
    }

    /** Per-connection rate limiting: credit accrues at {@code rate} messages/s, capped at one burst. */
    static int allowance(Conn c, double rate, int burst, long now) {
        if (rate <= 0) {
            return burst;
        }
        if (c.sentAt != 0) {
            c.credit = Math.min(burst, c.credit + rate * (now - c.sentAt) / 1e9);
        }
        c.sentAt = now;
        int n = (int) c.credit;
        c.credit -= n;
        return n;
    }

    /**
     * Echo, open loop: every connection sends a fixed, premasked block of frames again and again
     * (or {@code rate} messages/s each), without waiting for the echoes; counts echoes.
     */
    static final class EchoOpen extends Scenario {
        private final int size;
        private final double rate;
        private final int opcode;

        EchoOpen(int size, double rate, boolean text) {
            this.size = size;
            this.rate = rate;
            this.opcode = text ? ClientFrames.OP_TEXT : ClientFrames.OP_BINARY;
        }

        @Override
        boolean polls() {
            return true;
        }

        @Override
        void start(Conn c, long now) {
            // The payload never changes, so each connection masks its block of frames once.
            byte[] payload = ClientFrames.payload(size);
            int frameLength = ClientFrames.frameLength(size);
            int count = Math.max(1, 16 * 1024 / frameLength);
            c.scratch = new byte[count * frameLength];
            for (int i = 0; i < count; i++) {
                ClientFrames.encode(c.scratch, i * frameLength, opcode, payload, 0, size, c.maskKey);
            }
            c.frame = ByteBuffer.wrap(c.scratch);
        }

        @Override
        ByteBuffer next(Conn c, long now) {
            int frameLength = ClientFrames.frameLength(size);
            int n = allowance(c, rate, c.scratch.length / frameLength, now);
            if (n == 0) {
                return null;
            }
            return c.frame.clear().limit(n * frameLength);
        }

        @Override
        void received(Conn c, int opcode, long length, long stamp, long now) {
            messages++;
            bytes += length;
        }
    }

    /** Echo, closed loop: one message in flight per connection; counts round trips and their latency. */
    static final class EchoClosed extends Scenario {
        private final int size;
        private final int opcode;

        EchoClosed(int size, boolean text) {
            this.size = size;
            this.opcode = text ? ClientFrames.OP_TEXT : ClientFrames.OP_BINARY;
        }

        @Override
        void start(Conn c, long now) {
            c.scratch = new byte[ClientFrames.frameLength(size)];
            ClientFrames.encode(c.scratch, 0, opcode, ClientFrames.payload(size), 0, size, c.maskKey);
            c.frame = ByteBuffer.wrap(c.scratch);
            c.due = true;
        }

        @Override
        ByteBuffer next(Conn c, long now) {
            if (!c.due) {
                return null;
            }
            c.due = false;
            c.sentAt = now;
            return c.frame.clear();
        }

        @Override
        void received(Conn c, int opcode, long length, long stamp, long now) {
            messages++;
            bytes += length;
            latency.recordValue(Math.max(0, now - c.sentAt));
            c.due = true;
        }
    }

    /**
     * Broadcast: connection 0 publishes timestamped messages, at most {@code window} of them not
     * yet back at the publisher itself (and at most {@code rate}/s when a rate is set); every other
     * connection is a subscriber whose deliveries and delivery latency count.
     */
    static final class Broadcast extends Scenario {
        private final int size;
        private final int window;
        private final double rate;
        private final int opcode;
        private byte[] payload;

        Broadcast(int size, int window, double rate, boolean text) {
            this.size = Math.max(size, ClientFrames.STAMP_LENGTH);
            this.window = window;
            this.rate = rate;
            this.opcode = text ? ClientFrames.OP_TEXT : ClientFrames.OP_BINARY;
        }

        @Override
        boolean polls() {
            return rate > 0;
        }

        @Override
        boolean wantStamp() {
            return true;
        }

        @Override
        void start(Conn c, long now) {
            if (c.index == 0) {
                payload = ClientFrames.payload(size);
                c.scratch = new byte[ClientFrames.frameLength(size)];
                c.frame = ByteBuffer.wrap(c.scratch);
            }
        }

        @Override
        ByteBuffer next(Conn c, long now) {
            if (c.index != 0 || c.outstanding >= window || allowance(c, rate, 1, now) == 0) {
                return null;
            }
            ClientFrames.putStamp(payload, 0, now);
            int n = ClientFrames.encode(c.scratch, 0, opcode, payload, 0, size, c.maskKey);
            c.outstanding++;
            return c.frame.clear().limit(n);
        }

        @Override
        void received(Conn c, int opcode, long length, long stamp, long now) {
            if (c.index == 0) {
                c.outstanding--;
                return;
            }
            messages++;
            bytes += length;
            if (stamp >= 0) {
                latency.recordValue(Math.max(0, now - stamp));
            }
        }
    }

    /** Idle: open connections that send nothing. */
    static final class Idle extends Scenario {
        @Override
        ByteBuffer next(Conn c, long now) {
            return null;
        }

        @Override
        void received(Conn c, int opcode, long length, long stamp, long now) {
            messages++;
            bytes += length;
        }
    }
}
