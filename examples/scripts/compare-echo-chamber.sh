#!/usr/bin/env bash
# Runs the same client session (ChamberSession) against the npm reference websocket-echo-chamber
# 1.0.0 and against ours, and compares the transcripts with each other and with the recorded one.
#   examples/scripts/compare-echo-chamber.sh            compare
#   examples/scripts/compare-echo-chamber.sh --record   also overwrite the recorded transcript
# Needs node/npm (and the npm registry, once: the package goes to a temporary folder) and a
# build: ./mvnw -B -pl examples -am -DskipTests package (the test classes are compiled too).
# JAVA: a JDK 21+ (default: the first one in /usr/lib/jvm, else java on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

record=false
if [[ "${1:-}" == "--record" ]]; then record=true; fi
java=${JAVA:-java}
if [[ -z "${JAVA:-}" ]]; then
    for jdk in /usr/lib/jvm/*25* /usr/lib/jvm/*21*; do
        if [[ -x "$jdk/bin/java" ]]; then java=$jdk/bin/java; break; fi
    done
fi
jar=examples/target/shuttle-examples.jar
classes=examples/target/test-classes
golden=examples/src/test/resources/dev/shuttle/examples/chamber/reference-transcript.txt
[[ -f $jar && -d $classes ]] || { echo "build first: ./mvnw -B -pl examples -am -DskipTests package" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund websocket-echo-chamber@1.0.0 >/dev/null)

free_port() { "$java" -cp "$classes" dev.shuttle.examples.chamber.FreePort; }
wait_for() { # port
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    echo "nothing listens on $1" >&2; return 1
}

ref_port=$(free_port)
node "$work/node_modules/websocket-echo-chamber/bin/server.js" "$ref_port" 'file://,https://a.example' >"$work/reference.log" 2>&1 &
pids+=($!)
ours_port=$(free_port)
"$java" -jar "$jar" echo-chamber --host 127.0.0.1 "$ours_port" 'file://,https://a.example' >"$work/ours.log" 2>&1 &
pids+=($!)
wait_for "$ref_port"
wait_for "$ours_port"

session() { "$java" -cp "$classes:$jar" dev.shuttle.examples.chamber.ChamberSession "$1"; }
session "$ref_port" >"$work/reference.txt"
session "$ours_port" >"$work/ours.txt"

status=0
if diff -u --label reference "$work/reference.txt" --label ours "$work/ours.txt"; then
    echo "same transcript on the reference and on ours ($(wc -l <"$work/ours.txt") lines)"
else
    status=1
fi
if $record; then
    cp "$work/reference.txt" "$golden"
    echo "recorded $golden"
elif ! diff -u --label recorded "$golden" --label reference "$work/reference.txt"; then
    echo "the reference differs from the recorded transcript" >&2
    status=1
fi
exit $status
