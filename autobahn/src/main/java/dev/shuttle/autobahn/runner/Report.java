package dev.shuttle.autobahn.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes results the way the suite does: {@code index.json} as
 * {@code {agent: {case: {behavior, behaviorClose, duration, remoteCloseCode, reportfile}}}}, and
 * one detail file per agent and case ({@code <agent>_case_1_1_1.json}), so a report of this
 * runner and one of the real suite can be compared line by line.
 */
public final class Report {
    private Report() {
    }

    /** Writes (or rewrites) the directory's index.json with these agents, and their detail files. */
    public static void write(Path dir, Map<String, List<CaseResult>> byAgent) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> index = new TreeMap<>();
        for (Map.Entry<String, List<CaseResult>> agent : byAgent.entrySet()) {
            List<CaseResult> sorted = new ArrayList<>(agent.getValue());
            sorted.sort((a, b) -> Catalog.ORDER.compare(a.def(), b.def()));
            Map<String, Object> cases = new LinkedHashMap<>();
            for (CaseResult r : sorted) {
                cases.put(r.def().id(), r.indexEntry());
                Files.writeString(dir.resolve(r.reportFile()), Json.write(r.detail()), StandardCharsets.UTF_8);
            }
            index.put(agent.getKey(), cases);
        }
        Files.writeString(dir.resolve("index.json"), Json.write(index), StandardCharsets.UTF_8);
    }

    /** Counts by verdict; a case that fails the gate counts as FAILED whatever its behaviour column says. */
    public static Map<String, Integer> counts(List<CaseResult> results) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String v : List.of(Verdict.OK, Verdict.NON_STRICT, Verdict.INFORMATIONAL, Verdict.UNIMPLEMENTED, Verdict.FAILED)) {
            counts.put(v, 0);
        }
        for (CaseResult r : results) {
            counts.merge(r.failsGate() ? Verdict.FAILED : r.behavior(), 1, Integer::sum);
        }
        return counts;
    }

    /** {@code builtin: OK=… NON-STRICT=… INFORMATIONAL=… UNIMPLEMENTED=… FAILED=…}, plus close-column notes. */
    public static String summary(String agent, List<CaseResult> results) {
        StringBuilder sb = new StringBuilder(agent).append(':');
        counts(results).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        long wrongCode = results.stream().filter(r -> Verdict.WRONG_CODE.equals(r.behaviorClose())).count();
        long byClient = results.stream().filter(r -> Verdict.FAILED_BY_CLIENT.equals(r.behaviorClose())).count();
        if (wrongCode + byClient > 0) {
            sb.append(" (close: WRONG CODE=").append(wrongCode).append(" FAILED BY CLIENT=").append(byClient).append(')');
        }
        return sb.toString();
    }

    /** One line per gate-failing case: id, both verdicts, and what the case saw. */
    public static List<String> failures(List<CaseResult> results) {
        List<String> lines = new ArrayList<>();
        for (CaseResult r : results) {
            if (r.failsGate()) {
                Map<String, Object> d = r.detail();
                lines.add(r.agent() + " " + r.def().id() + ": behavior=" + r.behavior() + " behaviorClose=" + r.behaviorClose()
                        + " | " + d.get("result") + " | " + d.get("resultClose")
                        + " | expected=" + d.get("expected") + " received=" + d.get("received")
                        + " remoteCloseCode=" + r.remoteCloseCode() + " wasNotCleanReason=" + d.get("wasNotCleanReason"));
            }
        }
        return lines;
    }
}
