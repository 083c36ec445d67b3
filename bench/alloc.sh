#!/usr/bin/env bash
# Bytes a server allocates per closed-loop round trip: the server (pinned to CPU 0, -Xmn16m
# -XX:+UseSerialGC) under the closed loop of bench/run.sh (100 connections x 22 B, generator on
# CPU 1); jstat -gc is read 8 s apart inside the measured window, and the allocation is the young
# collections times eden plus eden's change. Needs bench/target/shuttle-bench.jar (bench/run.sh
# builds it).
#
#   bench/alloc.sh [SERVER...]     # default: shuttle-builtin netty shuttle-jetty jetty shuttle-undertow undertow
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/shuttle-bench.jar
[[ -f $JAR ]] || { echo "build $JAR first (bench/run.sh does)" >&2; exit 1; }
JB=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.jdks/*; do
  [[ -x "$c/bin/java" && -x "$c/bin/jstat" ]] || continue
  v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [[ -n "$v" && "${v%%.*}" -ge 21 ]]; then JB=$c/bin; break; fi
done
[[ -n $JB ]] || { echo "no JDK 21+ found (set JAVA_HOME)" >&2; exit 1; }
SERVERS=("$@")
[[ ${#SERVERS[@]} -gt 0 ]] || SERVERS=(shuttle-builtin netty shuttle-jetty jetty shuttle-undertow undertow)
WORK=$(mktemp -d /tmp/shuttle-alloc.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
S=""
trap '[[ -n $S ]] && kill $S 2>/dev/null || true' EXIT
for k in "${SERVERS[@]}"; do
  PORT=$((PORT + 1))
  case $k in shuttle-*) cmd=(shuttle --transport "${k#shuttle-}") ;; *) cmd=(peer --kind "$k") ;; esac
  taskset -c 0 "$JB/java" -Xms64m -Xmx1g -Xmn16m -XX:+UseSerialGC -jar $JAR "${cmd[@]}" --mode echo --port $PORT > "$WORK/$k.log" 2>&1 &
  S=$!
  for _ in $(seq 100); do grep -q "^listening on" "$WORK/$k.log" && break; sleep 0.1; done
  taskset -c 1 "$JB/java" -Xmx1g -jar $JAR load --scenario echo-closed --port $PORT --pid $S \
      --connections 100 --size 22 --warmup 4 --duration 12 > "$WORK/$k-load.log" 2>&1 &
  L=$!
  sleep 6
  s0=$("$JB/jstat" -gc $S | tail -1); sleep 8; s1=$("$JB/jstat" -gc $S | tail -1)
  wait $L || true
  rt=$(grep -o 'msgs_per_s=[0-9]*' "$WORK/$k-load.log" | cut -d= -f2)
  kill $S; wait $S 2>/dev/null || true; S=""
  # jstat -gc columns: S0C S1C S0U S1U EC EU OC OU MC MU CCSC CCSU YGC ... (KB)
  awk -v a="$s0" -v b="$s1" -v rt="${rt:-0}" -v k="$k" 'BEGIN {
    split(a, x); split(b, y); kb = (y[13] - x[13]) * x[5] + y[6] - x[6]
    printf "%s: %.1f MB in 8 s at %d rt/s -> %.0f B per round trip\n", k, kb / 1024, rt, (rt > 0 ? kb * 1024 / (rt * 8) : 0) }'
done
