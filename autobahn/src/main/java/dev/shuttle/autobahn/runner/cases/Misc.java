package dev.shuttle.autobahn.runner.cases;

import static dev.shuttle.autobahn.runner.Verdict.OK;

import dev.shuttle.autobahn.runner.CaseScript;
import dev.shuttle.autobahn.runner.Event;
import dev.shuttle.autobahn.runner.Fuzzer;
import dev.shuttle.autobahn.runner.Section;
import dev.shuttle.autobahn.runner.Verdict;
import dev.shuttle.autobahn.runner.Wire;

/** Section 10: a 64 KiB message auto-fragmented into 1300-octet frames must come back whole. */
public final class Misc extends Section {
    @Override
    public String number() {
        return "10";
    }

    @Override
    public String title() {
        return "Misc";
    }

    @Override
    protected void define() {
        byte[] payload = Wire.repeat(Wire.utf8("*"), 65536);
        int fragment = 1300;
        add("10.1.1", "Send text message with payload of length 65536 auto-fragmented with <b>autoFragmentSize = 1300</b>.",
                "Receive echo'ed text message (with payload as sent and transmitted frame counts as expected). "
                        + "Clean close with normal code.",
                new CaseScript.Behaviour() {
                    @Override
                    public void onOpen(CaseScript s, Fuzzer p) {
                        p.autoFragmentSize = fragment;
                        s.expect(OK, Event.message(payload, false)).expectNormalClose();
                        p.sendMessage(payload, false);
                        p.killAfter(10);
                    }

                    @Override
                    public void afterGrading(CaseScript s, Fuzzer p) {
                        int continuations = payload.length / fragment;
                        int texts = payload.length % fragment > 0 ? 1 : 0;
                        int sentContinuations = p.framesSent(Wire.CONTINUATION);
                        int sentTexts = p.framesSent(Wire.TEXT);
                        if (sentContinuations != continuations || sentTexts != texts) {
                            s.behavior = Verdict.FAILED;
                            s.result = "Frames transmitted {0: " + sentContinuations + ", 1: " + sentTexts
                                    + "} does not match what we expected {0: " + continuations + ", 1: " + texts + "}.";
                        }
                    }
                });
    }
}
