#!/usr/bin/env python3
"""Reads Autobahn index.json files and fails when any case FAILED.

A case fails the gate when its behavior is FAILED, or its behaviorClose is FAILED or UNCLEAN
(the suite's report shows those as "Fail") or FAILED BY CLIENT (the fuzzer had to drop TCP
itself: the peer broke the protocol or never closed); the in-repo runner applies the same rule
(dev.shuttle.autobahn.runner.Verdict.failsGate). Prints one summary line per agent.
"""
import json
import sys

ORDER = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]


def fails(entry):
    return entry["behavior"] == "FAILED" or entry["behaviorClose"] in ("FAILED", "UNCLEAN", "FAILED BY CLIENT")


def main(paths):
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
        for agent, cases in sorted(index.items()):
            counts = {k: 0 for k in ORDER}
            for case_id, entry in cases.items():
                verdict = "FAILED" if fails(entry) else entry["behavior"]
                counts[verdict] = counts.get(verdict, 0) + 1
                if fails(entry):
                    failed += 1
                    print("FAILED %s %s: behavior=%s behaviorClose=%s remoteCloseCode=%s (%s)" % (
                        agent, case_id, entry["behavior"], entry["behaviorClose"],
                        entry.get("remoteCloseCode"), entry.get("reportfile")))
            print("%s: %s" % (agent, " ".join("%s=%d" % (k, v) for k, v in counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: check-reports.py index.json [index.json ...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
