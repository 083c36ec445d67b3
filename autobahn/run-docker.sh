#!/usr/bin/env bash
# The real Autobahn|Testsuite (docker image crossbario/autobahn-testsuite) against Shuttle:
#   1. starts the echo server on every transport this build has (9011 builtin, 9012 jetty,
#      9013 servlet, 9014 undertow, 9015 tomcat) and runs `wstest -m fuzzingclient` against them;
#   2. runs `wstest -m fuzzingserver` on 9001 and Shuttle's client against it;
#   3. reads reports/{servers,clients}/index.json and fails if any case FAILED.
# Needs docker, python3 and a JDK 21+ `java` (or JAVA, or JAVA_HOME). Build first:
#   ./mvnw -B -DskipTests -pl autobahn -am package
# Reports: autobahn/target/docker-reports/. Everything is on 127.0.0.1 (docker --network host).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
JAR=$ROOT/autobahn/target/shuttle-autobahn.jar
CONFIG=$ROOT/autobahn/config
REPORTS=$ROOT/autobahn/target/docker-reports
IMAGE=${AUTOBAHN_IMAGE:-crossbario/autobahn-testsuite}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B -DskipTests -pl autobahn -am package" >&2; exit 2; }
rm -rf "$REPORTS"
mkdir -p "$REPORTS/servers" "$REPORTS/clients"

PIDS=()
FUZZINGSERVER=""
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$FUZZINGSERVER" ]; then docker rm -f "$FUZZINGSERVER" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

wait_port() { # host port seconds [pid that must stay alive]
    for _ in $(seq 1 $(($3 * 10))); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
        if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then return 1; fi
        sleep 0.1
    done
    return 1
}

# 1. Servers: one echo server per transport that exists in this build.
declare -A PORTS=([builtin]=9011 [jetty]=9012 [servlet]=9013 [undertow]=9014 [tomcat]=9015)
RUNNING=()
for t in builtin jetty servlet undertow tomcat; do
    log=$REPORTS/server-$t.log
    "$JAVA" -jar "$JAR" server --transport "$t" --host 127.0.0.1 --port "${PORTS[$t]}" >"$log" 2>&1 &
    pid=$!
    if wait_port 127.0.0.1 "${PORTS[$t]}" 20 "$pid"; then
        PIDS+=("$pid"); RUNNING+=("$t")
        echo "== $t: $(head -1 "$log")"
    else
        wait "$pid" 2>/dev/null && rc=0 || rc=$?
        if [ "$rc" = 3 ]; then echo "== $t: not in this build, skipped"; else cat "$log" >&2; exit 1; fi
    fi
done

# The config lists every transport; hand the suite only those that run.
python3 - "$CONFIG/fuzzingclient.json" "$REPORTS/fuzzingclient.json" "${RUNNING[@]}" <<'PY'
import json, sys
src, dst, running = sys.argv[1], sys.argv[2], set(sys.argv[3:])
spec = json.load(open(src))
spec["servers"] = [s for s in spec["servers"] if s["agent"] in running]
json.dump(spec, open(dst, "w"), indent=3)
PY

echo "== wstest -m fuzzingclient against: ${RUNNING[*]}"
docker run --rm --network host \
    -v "$REPORTS:/reports" -v "$REPORTS/fuzzingclient.json:/config/fuzzingclient.json:ro" \
    "$IMAGE" wstest -m fuzzingclient -s /config/fuzzingclient.json

# 2. The client against the fuzzingserver.
FUZZINGSERVER=shuttle-autobahn-fuzzingserver-$$
docker run -d --rm --name "$FUZZINGSERVER" --network host \
    -v "$REPORTS:/reports" -v "$CONFIG/fuzzingserver.json:/config/fuzzingserver.json:ro" \
    "$IMAGE" wstest -m fuzzingserver -s /config/fuzzingserver.json >/dev/null
wait_port 127.0.0.1 9001 60 || { echo "fuzzingserver did not start" >&2; exit 1; }
CLIENT_INDEX=""
set +e
"$JAVA" -jar "$JAR" client --url ws://127.0.0.1:9001 --agent shuttle
rc=$?
set -e
case $rc in
    0) CLIENT_INDEX=$REPORTS/clients/index.json ;;
    3) echo "== client: Shuttle's WebSocketClient is not in this build, skipped" ;;
    *) echo "== client: exited with $rc" >&2; exit 1 ;;
esac

# 3. The verdicts.
echo "== results"
python3 "$CONFIG/check-reports.py" "$REPORTS/servers/index.json" ${CLIENT_INDEX:+"$CLIENT_INDEX"}
