package dev.shuttle.autobahn.runner.cases;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.shuttle.autobahn.runner.CaseDef;
import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Pmd;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Verdict;

/**
 * Sections 12 (WebSocket Compression, the default offer) and 13 (different offer and accept
 * parameters): messages cut one after another from a test file, each sent compressed (auto-
 * fragmented in 12.x.11-18 and 13.x.11-18) and expected back byte for byte, one at a time.
 * OK when every echo matched; UNIMPLEMENTED when the peer did not take permessage-deflate;
 * FAILED otherwise. Sizes, fragment sizes, timeouts, offers and accept rules are the catalog's.
 * <p>
 * The catalog sends 1000 messages per case (about 11 GB a target); the runner sends at most
 * 1000 and at least {@link #MIN_COUNT}, about {@link #budget()} octets a case, unless
 * {@code -Dshuttle.autobahn.deflateBudget=0} asks for the catalog's full counts.
 */
public final class Deflate extends Section {
    /** (payload length, message count, case timeout s, auto-fragment size), as in the catalog. */
    private static final int[][] SIZES = {
        {16, 1000, 60, 0}, {64, 1000, 60, 0}, {256, 1000, 120, 0}, {1024, 1000, 240, 0},
        {4096, 1000, 480, 0}, {8192, 1000, 480, 0}, {16384, 1000, 480, 0}, {32768, 1000, 480, 0},
        {65536, 1000, 480, 0}, {131072, 1000, 480, 0},
        {8192, 1000, 480, 256}, {16384, 1000, 480, 256}, {32768, 1000, 480, 256}, {65536, 1000, 480, 256},
        {131072, 1000, 480, 256}, {131072, 1000, 480, 1024}, {131072, 1000, 480, 4096}, {131072, 1000, 480, 32768},
    };
    private static final int MIN_COUNT = 8;
    /** Section 13's client offers, (requestNoContextTakeover, requestMaxWindowBits) each, for 13.1-13.7. */
    private static final int[][][] OFFERS = {
        {{0, 0}}, {{1, 0}}, {{0, 8}}, {{0, 15}}, {{1, 8}}, {{1, 15}}, {{1, 8}, {1, 0}, {0, 0}},
    };

    private final boolean parameters;
    private final Map<String, Pmd.Spec> specs = new HashMap<>();

    /** {@code false}: section 12; {@code true}: section 13. */
    public Deflate(boolean parameters) {
        this.parameters = parameters;
    }

    @Override
    public String number() {
        return parameters ? "13" : "12";
    }

    @Override
    public String title() {
        return parameters ? "WebSocket Compression (different parameters)" : "WebSocket Compression";
    }

    @Override
    public Pmd.Spec deflate(CaseDef c) {
        return specs.get(c.id());
    }

    /** Octets sent per case (0: the catalog's 1000 messages each). */
    static long budget() {
        return Long.getLong("shuttle.autobahn.deflateBudget", 256L << 10);
    }

    static int count(int len, int catalogCount) {
        long budget = budget();
        return budget <= 0 ? catalogCount : (int) Math.max(MIN_COUNT, Math.min(catalogCount, budget / len));
    }

    @Override
    protected void define() {
        if (!parameters) {
            List<DeflateData.Data> files = List.of(DeflateData.JSON, DeflateData.LENA, DeflateData.FAUST,
                    DeflateData.HTML, DeflateData.PDF);
            for (int j = 0; j < files.size(); j++) {
                defineGroup("12." + (j + 1), files.get(j), new Pmd.Spec(List.of(Pmd.Offer.of(false, 0)), 1),
                        "Use default permessage-deflate offer.");
            }
            return;
        }
        for (int j = 0; j < OFFERS.length; j++) {
            Pmd.Offer[] offers = new Pmd.Offer[OFFERS[j].length];
            StringBuilder desc = new StringBuilder("[");
            for (int k = 0; k < offers.length; k++) {
                offers[k] = Pmd.Offer.of(OFFERS[j][k][0] == 1, OFFERS[j][k][1]);
                desc.append(k == 0 ? "" : ", ").append('(').append(OFFERS[j][k][0] == 1 ? "True" : "False")
                        .append(", ").append(OFFERS[j][k][1]).append(')');
            }
            defineGroup("13." + (j + 1), DeflateData.JSON, new Pmd.Spec(List.of(offers), j + 1),
                    "Use permessage-deflate client offers (requestNoContextTakeover, requestMaxWindowBits): "
                            + desc.append(']'));
        }
    }

    private void defineGroup(String prefix, DeflateData.Data data, Pmd.Spec spec, String use) {
        for (int i = 0; i < SIZES.length; i++) {
            int[] s = SIZES[i];
            String id = prefix + "." + (i + 1);
            specs.put(id, spec);
            add(id, "Send " + s[1] + " compressed messages each of payload size " + s[0] + ", auto-fragment to " + s[3]
                            + " octets. " + use,
                    "Receive echo'ed messages (with payload as sent). Timeout case after " + s[2] + " secs.",
                    () -> new Echoes(data, s[0], count(s[0], s[1]), s[1], s[2], s[3]));
        }
    }

    /** One case: {@code count} messages, each sent when the previous echo arrived. */
    private static final class Echoes implements CaseScript.Behaviour {
        private final DeflateData.Data data;
        private final int len;
        private final int count;
        private final int catalogCount;
        private final int waitSecs;
        private final int fragment;
        private int pointer;
        private int sent;
        private byte[] expected;

        Echoes(DeflateData.Data data, int len, int count, int catalogCount, int waitSecs, int fragment) {
            this.data = data;
            this.len = len;
            this.count = count;
            this.catalogCount = catalogCount;
            this.waitSecs = waitSecs;
            this.fragment = fragment;
        }

        @Override
        public void onOpen(CaseScript s, Fuzzer p) {
            s.reportTime = true;
            s.expectNormalClose();
            p.autoFragmentSize = fragment;
            if (!p.deflate()) {
                s.behavior = Verdict.UNIMPLEMENTED;
                s.result = "The peer did not accept permessage-deflate.";
                p.sendClose(1000, null);
                return;
            }
            s.behavior = Verdict.FAILED;
            s.result = "Case did not finish within " + waitSecs + " seconds.";
            p.closeAfter(waitSecs);
            sendOne(p);
        }

        /** The next {@code len} octets of the file, wrapping around at its end, as the suite cuts them. */
        private void sendOne(Fuzzer p) {
            byte[] file = data.bytes();
            expected = new byte[len];
            for (int k = 0; k < len; k++) {
                expected[k] = file[(pointer + k) % file.length];
            }
            pointer = (pointer + len) % file.length;
            sent++;
            p.sendMessage(expected, data.binary());
        }

        @Override
        public void onMessage(CaseScript s, Fuzzer p, byte[] got, boolean binary) {
            if (binary != data.binary() || got.length != len || !Arrays.equals(got, expected)) {
                s.behavior = Verdict.FAILED;
                s.result = binary != data.binary()
                        ? "Echo'ed message type differs from what I sent (got binary " + binary + ", expected binary " + data.binary() + ")."
                        : got.length != len
                        ? "Echo'ed message length differs from what I sent (got length " + got.length + ", expected length " + len + ")."
                        : "Echo'ed message contents differs from what I sent (message " + sent + ").";
                p.sendClose(1000, null);
            } else if (sent < count) {
                sendOne(p);
            } else {
                s.behavior = Verdict.OK;
                s.result = "Ok, received all echo'ed messages in time."
                        + (count < catalogCount ? " (" + count + " messages; the catalog sends " + catalogCount + ")" : "");
                p.sendClose(1000, null);
            }
        }
    }
}
