#!/usr/bin/env bash
# Side-by-side WebSocket load run: Shuttle (built-in listener, and each adapter in
# SHUTTLE_TRANSPORTS) and the peers (Jetty 12, Undertow, Netty), one after another, each server
# pinned to one core and the load generator to another, the same scenarios with the same
# settings; prints one table with absolute figures and the ratio to Jetty's own WebSocket.
#
#   bench/run.sh [--warmup S] [--duration S] [--connections C] [--size BYTES]
#                [--idle-connections N] [--idle-steps "5000,10000"] [--window N] [--rate MSGS_PER_S_PER_CONN]
#                [--servers "shuttle-builtin jetty undertow netty"] [--server-cpu 0] [--load-cpu 1]
#                [--ref netty] [--profile FILE.jfr]   # also record JFR on Shuttle's built-in echo server
#
# Idle: N connections (default 18000, the most one process may hold under the 20,000 descriptor
# limit; the generator is another process), measured also at each of the smaller idle steps in
# the same server, so the cost of one more idle connection shows as a slope. The open-loop flood
# also samples the server's live heap at its end (what it really holds: queued frames and all)
# apart from its RSS, which adds the collector's headroom.
# (xN) is the ratio to the --ref server in the same column (default netty).
# Defaults keep the run under ~12 minutes on 2 cores. Every server this script starts is killed
# on exit (trap), also on Ctrl-C or an error. MVN_FLAGS goes to the Maven build of the jar
# (e.g. "-o -Dmaven.repo.local=...").
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=5 DURATION=10 CONNECTIONS=100 SIZE=22 IDLE_CONNECTIONS=18000 IDLE_STEPS=5000,10000 WINDOW=32 RATE=0
SERVER_CPU=0 LOAD_CPU=1 PROFILE="" REF=netty
# Extension point: a new transport needs a name here and an entry in ShuttleServers.TRANSPORTS.
SHUTTLE_TRANSPORTS="builtin jetty servlet undertow"
PEERS="jetty undertow netty"
SERVERS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --idle-connections) IDLE_CONNECTIONS=$2; shift 2 ;;
    --idle-steps) IDLE_STEPS=$2; shift 2 ;;
    --ref) REF=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --server-cpu) SERVER_CPU=$2; shift 2 ;;
    --load-cpu) LOAD_CPU=$2; shift 2 ;;
    --profile) PROFILE=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$SERVERS" ]]; then
  for t in $SHUTTLE_TRANSPORTS; do SERVERS+="shuttle-$t "; done
  SERVERS+="$PEERS"
fi
# The same heap settings for every server; a small initial heap so that RSS follows live data.
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms64m -Xmx1g -XX:+UseSerialGC"}
LOAD_JVM_OPTS=${LOAD_JVM_OPTS:-"-Xmx1g"}

# A JDK 21+ (the java on PATH may be older): JAVA_HOME, then /usr/lib/jvm, ~/.jdks.
find_java() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.jdks/*; do
    [[ -x "$c/bin/java" && -x "$c/bin/jcmd" ]] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [[ -n "$v" && "${v%%.*}" -ge 21 ]]; then echo "$c/bin/java"; return; fi
  done
  echo "no JDK 21+ found (set JAVA_HOME)" >&2; exit 1
}
JAVA=$(find_java)
JAR=bench/target/shuttle-bench.jar
if [[ ! -f $JAR ]] || [[ -n $(find api/src/main adapter-*/src/main bench/src/main bench/pom.xml adapter-*/pom.xml pom.xml -newer "$JAR" -type f | head -1) ]]; then
  echo "building $JAR ..."
  ./mvnw -B -q ${MVN_FLAGS:-} -pl bench -am -DskipTests -Dfuzz.skip=true package
fi

PIN_SERVER=() PIN_LOAD=()
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
  PIN_SERVER=(taskset -c "$SERVER_CPU") PIN_LOAD=(taskset -c "$LOAD_CPU")
else
  echo "warning: not pinning (no taskset or fewer than 2 cores)" >&2
fi

WORK=$(mktemp -d /tmp/shuttle-bench.XXXXXX)
RESULTS=$WORK/results
: > "$RESULTS"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    sleep 1
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$((20000 + RANDOM % 20000))
# start_server NAME MODE [extra JVM options...]: starts it pinned and waits for "listening on".
start_server() {
  local name=$1 mode=$2; shift 2
  local cmd
  PORT=$((PORT + 1))       # a fresh port per start: nothing left over from the last server
  case "$name" in
    shuttle-*) cmd=(shuttle --transport "${name#shuttle-}") ;;
    *) cmd=(peer --kind "$name") ;;
  esac
  # exec keeps the pid: it is the server's own pid, which the idle scenario reads /proc for.
  ( exec "${PIN_SERVER[@]}" "$JAVA" $SERVER_JVM_OPTS "$@" -jar "$JAR" "${cmd[@]}" --mode "$mode" --port "$PORT" \
      > "$WORK/$name-$mode.log" 2>&1 ) &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q "^listening on" "$WORK/$name-$mode.log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name ($mode) did not start:" >&2; cat "$WORK/$name-$mode.log" >&2; exit 1
}
stop_server() {
  cleanup
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
# load NAME SCENARIO [load options...]: runs the generator and keeps its RESULT line.
load() {
  local name=$1 scenario=$2; shift 2
  local out
  out=$("${PIN_LOAD[@]}" "$JAVA" $LOAD_JVM_OPTS -jar "$JAR" load --scenario "$scenario" --port "$PORT" \
        --pid "$SERVER_PID" --warmup "$WARMUP" --duration "$DURATION" "$@" 2>&1) || true
  local line
  line=$(grep '^RESULT' <<< "$out" | tail -1)
  echo "  $name $scenario: ${line#RESULT }"
  [[ -n "$line" ]] || { echo "$out" | tail -5 | sed 's/^/    /'; line="RESULT scenario=$scenario error=1"; }
  echo "$name ${line#RESULT }" >> "$RESULTS"
}

START=$(date +%s)
echo "servers: $SERVERS; $CONNECTIONS connections x $SIZE B, warm-up ${WARMUP}s, measure ${DURATION}s; idle: $IDLE_CONNECTIONS"
for s in $SERVERS; do
  extra=()
  if [[ -n "$PROFILE" && "$s" == shuttle-builtin ]]; then
    extra=("-XX:StartFlightRecording=filename=$PROFILE,settings=profile")
  fi
  start_server "$s" echo "${extra[@]}"
  load "$s" echo-open --connections "$CONNECTIONS" --size "$SIZE" --rate "$RATE" --flood-heap
  load "$s" echo-closed --connections "$CONNECTIONS" --size "$SIZE"
  stop_server
  start_server "$s" echo          # a fresh process: RSS and heap per idle connection from a clean start
  load "$s" idle --connections "$IDLE_CONNECTIONS" --steps "$IDLE_STEPS"
  stop_server
  start_server "$s" broadcast
  load "$s" broadcast --connections "$CONNECTIONS" --size "$SIZE" --window "$WINDOW"
  stop_server
done
END=$(date +%s)

echo
echo "## $(date -u +%Y-%m-%dT%H:%MZ), $((END - START)) s; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JAVA" -version 2>&1 | head -1)"
echo "## bench/run.sh --warmup $WARMUP --duration $DURATION --connections $CONNECTIONS --size $SIZE --idle-connections $IDLE_CONNECTIONS --idle-steps $IDLE_STEPS --window $WINDOW --rate $RATE --ref $REF"
echo
# One row per server; (xN) is the ratio to the --ref server's figure in the same column.
awk -v ref="$REF" '
  { name = $1; names[++n] = name; scen = ""
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "scenario") scen = kv[2]; else v[name, scen, kv[1]] = kv[2] } }
  function cell(name, scen, key, fmt,   x, r) {
    x = v[name, scen, key]
    if (x == "") return "-"
    r = v[ref, scen, key]
    return sprintf(fmt, x) ((r != "" && r + 0 != 0 && name != ref) ? sprintf(" (x%.2f)", x / r) : "")
  }
  END {
    printf "| server | echo open msg/s | echo open MB/s | peak RSS MB (flood) | live heap MB (flood) | echo closed rt/s | closed p50 / p99 us | broadcast deliveries/s | bcast p50 / p99 ms | idle RSS KB/conn | idle heap KB/conn | idle RSS / heap slope KB |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      s = names[i]; if (seen[s]++) continue
      printf "| %s | %s | %s | %s | %s | %s | %s / %s | %s | %.2f / %.2f | %s | %s | %s / %s |\n", s,
        cell(s, "echo-open", "msgs_per_s", "%.0f"), cell(s, "echo-open", "mb_per_s", "%.1f"),
        cell(s, "echo-open", "server_peak_rss_mb", "%.0f"), cell(s, "echo-open", "flood_live_heap_mb", "%.0f"),
        cell(s, "echo-closed", "msgs_per_s", "%.0f"),
        v[s, "echo-closed", "p50_us"], v[s, "echo-closed", "p99_us"],
        cell(s, "broadcast", "msgs_per_s", "%.0f"),
        v[s, "broadcast", "p50_us"] / 1000, v[s, "broadcast", "p99_us"] / 1000,
        cell(s, "idle", "rss_per_conn_kb", "%.2f"), cell(s, "idle", "heap_per_conn_kb", "%.2f"),
        v[s, "idle", "rss_slope_kb"], v[s, "idle", "heap_slope_kb"]
    }
  }' "$RESULTS"
echo
# Each Shuttle transport against the server it runs in (the built-in listener against --ref):
# closed-loop rt/s raw and per busy server core-second (the fairer figure when the machine is
# shared), p99, and what one more idle connection costs beyond the server's own.
awk -v ref="$REF" '
  { name = $1; names[++n] = name; scen = ""
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "scenario") scen = kv[2]; else v[name, scen, kv[1]] = kv[2] } }
  function own(s) { return s ~ /^shuttle-(jetty|servlet)$/ ? "jetty" : s == "shuttle-undertow" ? "undertow" : ref }
  function percore(s,   c) { c = v[s, "echo-closed", "server_cpu"]; return c > 0 ? v[s, "echo-closed", "msgs_per_s"] / c : 0 }
  function ratio(a, b) { return (a != "" && b != "" && b + 0 != 0) ? sprintf("x%.2f", a / b) : "-" }
  function diff(a, b) { return (a != "" && b != "") ? sprintf("%+.2f", a - b) : "-" }
  END {
    printf "| transport | vs | closed rt/s | closed rt/s per server core | closed p99 | idle heap slope KB, minus its own | idle RSS slope KB, minus its own |\n"
    printf "|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      s = names[i]; if (s !~ /^shuttle-/ || seen[s]++) continue
      o = own(s)
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", s, o,
        ratio(v[s, "echo-closed", "msgs_per_s"], v[o, "echo-closed", "msgs_per_s"]),
        ratio(percore(s), percore(o)),
        ratio(v[s, "echo-closed", "p99_us"], v[o, "echo-closed", "p99_us"]),
        diff(v[s, "idle", "heap_slope_kb"], v[o, "idle", "heap_slope_kb"]),
        diff(v[s, "idle", "rss_slope_kb"], v[o, "idle", "rss_slope_kb"])
    }
  }' "$RESULTS"
echo
# What the flood may hold at most: the heap setting plus every connection's queue cap (4 MiB).
XMX=$(grep -o -- '-Xmx[0-9]*[gGmM]' <<< "$SERVER_JVM_OPTS" | tail -1 | sed 's/-Xmx//')
case "$XMX" in *[gG]) XMX_MB=$(( ${XMX%?} * 1024 )) ;; *[mM]) XMX_MB=${XMX%?} ;; *) XMX_MB=0 ;; esac
echo "flood RSS bound: heap ${XMX_MB} MB + $CONNECTIONS x 4 MiB queue caps = $((XMX_MB + CONNECTIONS * 4)) MB"
echo
echo "raw results and server logs: $WORK"
