package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Wire.utf8;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Verdict;
import dev.shuttle.autobahn.runner.Wire;

/**
 * Section 9: limits and performance. Big messages (64 KiB to 16 MiB), a 4 MiB message in
 * fragments of 64 B to 4 MiB, a 1 MiB message in write chops of 64 B to 2 KiB, and 1000
 * round trips of small messages. A case passes when the echo arrives in time; the report
 * shows its duration. The catalog's sizes, unchanged.
 */
public final class Limits extends Section {
    private static final int K = 1 << 10;
    private static final int M = 1 << 20;
    private static final byte[] TEXT_PATTERN = utf8("BAsd7&jh23");
    private static final byte[] BINARY_PATTERN = {(byte) 0xfe};

    @Override
    public String number() {
        return "9";
    }

    @Override
    public String title() {
        return "Limits/Performance";
    }

    @Override
    protected void define() {
        int[] sizes = {64 * K, 256 * K, M, 4 * M, 8 * M, 16 * M};
        int[] waits = {10, 10, 20, 40, 80, 160};
        int[] fragments = {64, 256, K, 4 * K, 16 * K, 64 * K, 256 * K, M, 4 * M};
        int[] chops = {64, 128, 256, 512, 1024, 2048};
        int[] rttSizes = {0, 16, 64, 256, 1024, 4096};
        for (int b = 0; b < 2; b++) {
            boolean binary = b == 1;
            String kind = binary ? "binary" : "text";
            for (int i = 0; i < sizes.length; i++) {
                add("9." + (1 + b) + "." + (i + 1), "Send " + kind + " message message with payload of length " + size(sizes[i]) + ".",
                        "Receive echo'ed " + kind + " message (with payload as sent).",
                        echo(binary, sizes[i], 0, 0, waits[i], binary ? BINARY_PATTERN : TEXT_PATTERN));
            }
        }
        for (int b = 0; b < 2; b++) {
            boolean binary = b == 1;
            String kind = binary ? "binary" : "text";
            for (int i = 0; i < fragments.length; i++) {
                add("9." + (3 + b) + "." + (i + 1), "Send fragmented " + kind + " message message with message payload of length "
                                + "4 * 2**20 (4M). Sent out in fragments of " + fragments[i] + ".",
                        "Receive echo'ed " + kind + " message (with payload as sent).",
                        echo(binary, 4 * M, fragments[i], 0, 100, binary ? BINARY_PATTERN : utf8("*")));
            }
        }
        for (int b = 0; b < 2; b++) {
            boolean binary = b == 1;
            String kind = binary ? "binary" : "text";
            for (int i = 0; i < chops.length; i++) {
                add("9." + (5 + b) + "." + (i + 1), "Send " + kind + " message message with payload of length 1 * 2**20 (1M). "
                                + "Sent out data in chops of " + chops[i] + " octets.",
                        "Receive echo'ed " + kind + " message (with payload as sent).",
                        echo(binary, M, 0, chops[i], 100, binary ? BINARY_PATTERN : TEXT_PATTERN));
            }
        }
        for (int b = 0; b < 2; b++) {
            boolean binary = b == 1;
            String kind = binary ? "binary" : "text";
            for (int i = 0; i < rttSizes.length; i++) {
                int size = rttSizes[i];
                add("9." + (7 + b) + "." + (i + 1), "Send 1000 " + kind + " messages of payload size " + size
                                + " to measure implementation/network RTT (round trip time) / latency.",
                        "Receive echo'ed " + kind + " messages (with payload as sent). Timeout case after 60 secs.",
                        () -> roundTrips(binary, size, 1000, 60));
            }
        }
    }

    /** One big message; OK when it comes back whole and of the right kind within {@code waitSecs}. */
    private static java.util.function.Supplier<CaseScript.Behaviour> echo(boolean binary, int len, int fragment, int chop,
                                                                          int waitSecs, byte[] pattern) {
        return () -> new CaseScript.Behaviour() {
            private byte[] payload;

            @Override
            public void onOpen(CaseScript s, Fuzzer p) {
                s.reportTime = true;
                s.expectNormalClose();
                s.result = "Did not receive message within " + waitSecs + " seconds.";
                payload = Wire.repeat(pattern, len);
                if (chop > 0) {
                    p.sendFrame(binary ? Wire.BINARY : Wire.TEXT, payload, true, 0, chop, false);
                } else {
                    p.sendMessage(payload, binary, fragment);
                }
                p.closeAfter(waitSecs);
            }

            @Override
            public void onMessage(CaseScript s, Fuzzer p, byte[] got, boolean gotBinary) {
                String kind = binary ? "binary" : "text";
                if (gotBinary != binary) {
                    s.result = "Expected " + kind + " message with payload, but got " + (gotBinary ? "binary." : "text.");
                } else if (got.length != len) {
                    s.result = "Expected " + kind + " message with payload of length " + len + ", but got " + got.length + ".";
                } else if (!java.util.Arrays.equals(got, payload)) {
                    s.result = "Received " + kind + " message of length " + len + " with a different payload.";
                } else {
                    s.behavior = Verdict.OK;
                    s.result = "Received " + kind + " message of length " + len + ".";
                }
                p.sendClose(1000, null);
            }
        };
    }

    /** {@code count} round trips, one message at a time; OK when every echo matched in time. */
    private static CaseScript.Behaviour roundTrips(boolean binary, int size, int count, int waitSecs) {
        byte[] payload = Wire.repeat(binary ? BINARY_PATTERN : utf8("*"), size);
        return new CaseScript.Behaviour() {
            private int received;

            @Override
            public void onOpen(CaseScript s, Fuzzer p) {
                s.reportTime = true;
                s.expectNormalClose();
                s.result = "Case did not finish within " + waitSecs + " seconds.";
                p.sendMessage(payload, binary);
                p.closeAfter(waitSecs);
            }

            @Override
            public void onMessage(CaseScript s, Fuzzer p, byte[] got, boolean gotBinary) {
                if (gotBinary != binary || !java.util.Arrays.equals(got, payload)) {
                    s.result = "Echo " + (received + 1) + " does not match what was sent.";
                    p.sendClose(1000, null);
                    return;
                }
                if (++received < count) {
                    p.sendMessage(payload, binary);
                } else {
                    s.behavior = Verdict.OK;
                    s.result = "Ok, received all echo'ed messages in time.";
                    p.sendClose(1000, null);
                }
            }
        };
    }

    private static String size(int len) {
        return len >= M ? (len / M) + " * 2**20 (" + (len / M) + "M)" : (len / K) + " * 2**10 (" + (len / K) + "k)";
    }
}
