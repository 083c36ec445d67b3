package dev.shuttle.autobahn.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one case for one agent: the index.json entry ({@code behavior, behaviorClose,
 * duration, remoteCloseCode, reportfile}) and the detail report the suite writes per case.
 */
public record CaseResult(CaseDef def, String agent, String behavior, String behaviorClose, long duration,
                         Integer remoteCloseCode, Map<String, Object> detail) {

    public boolean failsGate() {
        return Verdict.failsGate(behavior, behaviorClose);
    }

    public String reportFile() {
        return def.reportFile(agent);
    }

    /** The index.json entry, key for key as the suite writes it. */
    public Map<String, Object> indexEntry() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("behavior", behavior);
        m.put("behaviorClose", behaviorClose);
        m.put("duration", duration);
        m.put("remoteCloseCode", remoteCloseCode);
        m.put("reportfile", reportFile());
        return m;
    }

    /** A case whose connection never opened (the handshake failed or the peer was unreachable). */
    static CaseResult notOpened(CaseDef def, String agent, String why, Map<String, Object> extra) {
        Map<String, Object> d = base(def, agent);
        d.put("behavior", Verdict.FAILED);
        d.put("behaviorClose", Verdict.FAILED);
        d.put("result", "WebSocket connection was never open: " + why);
        d.putAll(extra);
        return new CaseResult(def, agent, Verdict.FAILED, Verdict.FAILED, 0, null, d);
    }

    /** Collects what the case and its connection recorded, as the suite's detail report does. */
    static CaseResult of(CaseDef def, String agent, CaseScript s, Fuzzer p, Map<String, Object> extra) {
        long duration = Math.round((p.endNanos - p.startNanos) / 1e6);
        Map<String, Object> d = base(def, agent);
        d.put("duration", duration);
        d.put("reportTime", s.reportTime);
        d.put("behavior", s.behavior);
        d.put("behaviorClose", s.behaviorClose);
        Map<String, Object> expected = new LinkedHashMap<>();
        s.expected.forEach((k, v) -> expected.put(k, events(v)));
        d.put("expected", expected);
        d.put("expectedClose", Map.of("closedByMe", s.expectedClose.closedByMe(),
                "closeCode", s.expectedClose.closeCodes(), "requireClean", s.expectedClose.requireClean()));
        d.put("received", events(s.received));
        d.put("result", s.result);
        d.put("resultClose", s.resultClose);
        d.put("isServer", p.role() == Fuzzer.Role.SERVER);
        d.put("closedByMe", p.closedByMe);
        d.put("failedByMe", p.failedByMe);
        d.put("droppedByMe", p.droppedByMe);
        d.put("wasClean", p.wasClean);
        d.put("wasNotCleanReason", p.wasNotCleanReason);
        d.put("wasServerConnectionDropTimeout", p.wasServerConnectionDropTimeout);
        d.put("wasCloseHandshakeTimeout", p.wasCloseHandshakeTimeout);
        d.put("protocolViolation", p.protocolViolation);
        d.put("localCloseCode", p.localCloseCode);
        d.put("localCloseReason", p.localCloseReason);
        d.put("remoteCloseCode", p.remoteCloseCode);
        d.put("remoteCloseReason", p.remoteCloseReason);
        d.put("txFrameStats", stringKeys(p.txFrames));
        d.put("rxFrameStats", stringKeys(p.rxFrames));
        d.putAll(extra);
        return new CaseResult(def, agent, s.behavior, s.behaviorClose, duration, p.remoteCloseCode, d);
    }

    private static Map<String, Object> base(CaseDef def, String agent) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("agent", agent);
        d.put("id", def.id());
        d.put("description", def.description());
        d.put("expectation", def.expectation());
        d.put("started", java.time.Instant.now().toString());
        return d;
    }

    private static List<Object> events(List<Event> events) {
        List<Object> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.toJson());
        }
        return out;
    }

    private static Map<String, Object> stringKeys(Map<Integer, Integer> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
