package dev.shuttle.autobahn.runner;

import java.util.Arrays;
import java.util.function.Supplier;

/** One case of the catalog: the suite's id ("6.4.1"), its description and expectation, and what it does. */
public record CaseDef(String id, String description, String expectation, Supplier<CaseScript.Behaviour> behaviour) {

    /** The id as numbers, for the suite's order (1.1.10 after 1.1.9). */
    public int[] idTuple() {
        return Arrays.stream(id.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The report file name the suite uses for this case and agent, with .json. */
    public String reportFile(String agent) {
        String clean = agent.strip().toLowerCase().replaceAll("[^a-z0-9]+", " ").strip().replace(' ', '_');
        return clean + "_case_" + id.replace('.', '_') + ".json";
    }
}
