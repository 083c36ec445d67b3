package dev.shuttle.autobahn.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run of one case, as in the suite: the case sends on open, records what it receives, lists
 * the event sequences it would accept (OK, NON-STRICT, ...) and the closing behaviour it expects,
 * and grades both when the TCP connection is gone. All methods run on the fuzzer's loop thread.
 */
public final class CaseScript {
    /** How the case expects the connection to end. */
    public record ExpectedClose(boolean closedByMe, List<Integer> closeCodes, boolean requireClean) {
    }

    /** What a case does, and optionally how it grades itself differently from the default. */
    public interface Behaviour {
        void onOpen(CaseScript s, Fuzzer p);

        /** Section 9 counts its own messages instead of listing them; default: record and maybe close. */
        default void onMessage(CaseScript s, Fuzzer p, byte[] payload, boolean binary) {
            s.record(Event.message(payload, binary));
        }

        /** Runs after the default grading, to override it (informational cases, 7.x wrong code). */
        default void afterGrading(CaseScript s, Fuzzer p) {
        }
    }

    final List<Event> received = new ArrayList<>();
    final Map<String, List<Event>> expected = new LinkedHashMap<>();
    ExpectedClose expectedClose = new ExpectedClose(true, List.of(1000), true);
    public String behavior = Verdict.FAILED;
    public String behaviorClose = Verdict.FAILED;
    public String result = "Actual events differ from any expected.";
    public String resultClose = "TCP connection was dropped without close handshake";
    /** The suite's suppressClose: never start the closing handshake on a match (close cases do it themselves). */
    public boolean suppressClose;
    /** Section 9: the report shows the duration. */
    public boolean reportTime;
    private final Behaviour behaviour;
    Fuzzer p;

    CaseScript(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    /** Declares one acceptable sequence of events under a verdict (OK, NON-STRICT, ...). */
    public CaseScript expect(String verdict, Event... events) {
        expected.put(verdict, List.of(events));
        return this;
    }

    public CaseScript expect(String verdict, List<Event> events) {
        expected.put(verdict, List.copyOf(events));
        return this;
    }

    public CaseScript expectClose(boolean closedByMe, boolean requireClean, Integer... codes) {
        expectedClose = new ExpectedClose(closedByMe, List.of(codes), requireClean);
        return this;
    }

    /** The usual ending: we close with 1000 once the events match, and the peer closes cleanly. */
    public CaseScript expectNormalClose() {
        return expectClose(true, true, 1000);
    }

    /** A protocol violation: the peer fails the connection, with this code or just by dropping TCP. */
    public CaseScript expectFailure(int code) {
        return expectClose(false, false, code);
    }

    public List<Event> received() {
        return received;
    }

    /** Records an event; once it matches every expected sequence, starts the closing handshake. */
    public void record(Event e) {
        received.add(e);
        finishWhenDone();
    }

    void onOpen() {
        behaviour.onOpen(this, p);
    }

    void onMessage(byte[] payload, boolean binary) {
        behaviour.onMessage(this, p, payload, binary);
    }

    void onPing(byte[] payload) {
        record(Event.ping(payload));
    }

    void onPong(byte[] payload) {
        record(Event.pong(payload));
    }

    private void finishWhenDone() {
        // As in the suite: close only when the events match all outcomes (so, in practice, when
        // a case lists one). Cases with alternatives end by their own timers.
        for (List<Event> e : expected.values()) {
            if (!e.equals(received)) {
                return;
            }
        }
        if (expectedClose.closedByMe() && !suppressClose) {
            p.sendClose(expectedClose.closeCodes().get(0), null);
        }
    }

    /** Grades the case once the connection is gone: the events, then the closing behaviour. */
    void grade() {
        for (Map.Entry<String, List<Event>> e : expected.entrySet()) {
            if (e.getValue().equals(received)) {
                behavior = e.getKey();
                result = "Actual events match at least one expected.";
                break;
            }
        }
        if (expectedClose.closedByMe() != p.closedByMe) {
            behaviorClose = Verdict.FAILED;
            resultClose = "The connection was failed by the wrong endpoint";
        } else if (expectedClose.requireClean() && !p.wasClean) {
            behaviorClose = Verdict.UNCLEAN;
            resultClose = "The spec requires the connection to be failed cleanly here";
        } else if (p.remoteCloseCode != null && !expectedClose.closeCodes().contains(p.remoteCloseCode)) {
            behaviorClose = Verdict.WRONG_CODE;
            resultClose = "The close code should have been " + join(expectedClose.closeCodes()) + " or empty";
        } else if (p.role() == Fuzzer.Role.CLIENT && p.droppedByMe) {
            behaviorClose = Verdict.FAILED_BY_CLIENT;
            resultClose = "It is preferred that the server close the TCP connection";
        } else {
            behaviorClose = Verdict.OK;
            resultClose = "Connection was properly closed";
        }
        behaviour.afterGrading(this, p);
    }

    /** The 7.x rule: a wrong close code fails the case itself. */
    public void wrongCodeFails() {
        if (Verdict.WRONG_CODE.equals(behaviorClose)) {
            behavior = Verdict.FAILED;
            result = resultClose;
        }
    }

    /** Cases whose outcome the spec leaves open (7.1.6, 7.13.x). */
    public void informational(String text) {
        behavior = Verdict.INFORMATIONAL;
        behaviorClose = Verdict.INFORMATIONAL;
        if (text != null) {
            result = text;
        }
    }

    private static String join(List<Integer> codes) {
        StringBuilder sb = new StringBuilder();
        for (Integer c : codes) {
            sb.append(sb.isEmpty() ? "" : ",").append(c);
        }
        return sb.toString();
    }

    /** Convenience for the catalog: a behaviour from just its onOpen. */
    public static Behaviour onOpen(java.util.function.BiConsumer<CaseScript, Fuzzer> open) {
        return open::accept;
    }

    /** A behaviour from onOpen plus a grading override. */
    public static Behaviour graded(java.util.function.BiConsumer<CaseScript, Fuzzer> open, Consumer<CaseScript> after) {
        return new Behaviour() {
            @Override
            public void onOpen(CaseScript s, Fuzzer p) {
                open.accept(s, p);
            }

            @Override
            public void afterGrading(CaseScript s, Fuzzer p) {
                after.accept(s);
            }
        };
    }
}
