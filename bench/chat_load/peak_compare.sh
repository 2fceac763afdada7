#!/usr/bin/env bash
# Peak fan-out in one channel, Meridian against the minimal Node.js `ws` broadcast server
# (broadcast_server.mjs), alternating trials in one run on the same connections file, so
# that machine load hits both sides alike. Prints one line per trial and a summary.
#
#   MERIDIAN_BIN=build/server/src/app/meridian CHAT_LOAD_BIN=build/bench/chat_load/chat_load \
#     bench/chat_load/peak_compare.sh [TRIALS]
# Environment: CHAT_PEAK_SIZE (1000 members), CHAT_PEAK_SENDERS (8), CHAT_DURATION (10 s per
# trial), PEAK_PERF (a file: `perf record -g` the Meridian server during the first trial).
# Each trial: Meridian (storing every message in SQLite), then Node, back to back. Besides
# deliveries/s, each side's CPU time per delivery within the window (from /proc) tells how much
# each server spends per delivered frame, whatever share of the cores it got.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

CHAT_DIR="$BENCH_DIR/chat_load"
CHAT_LOAD_BIN="${CHAT_LOAD_BIN:-$ROOT/build/bench/chat_load/chat_load}"
TRIALS="${1:-3}"
PEAK_SIZE="${CHAT_PEAK_SIZE:-1000}"
PEAK_SENDERS="${CHAT_PEAK_SENDERS:-8}"
DURATION="${CHAT_DURATION:-10}"
export MERIDIAN_PASSWORD_COST=minimum # setup only: see chat_bench.sh

[[ -x "$CHAT_LOAD_BIN" ]] || { log "no chat_load at $CHAT_LOAD_BIN"; exit 1; }
ensure_node_modules
ulimit -n "$(ulimit -Hn)"

start_meridian peak
node "$CHAT_DIR/setup.mjs" --url "$MERIDIAN_URL" --admin-email "$BENCH_EMAIL" --admin-password "$BENCH_PASSWORD" \
  --prefix peak --groups 1 --size "$PEAK_SIZE" --out "$BENCH_TMP/peak.txt" >&2
meridian_port="${MERIDIAN_URL##*:}"

node_port="$(free_port)"
node "$CHAT_DIR/broadcast_server.mjs" --port "$node_port" >"$BENCH_TMP/broadcast.log" 2>&1 &
node_pid=$!
BENCH_PIDS+=("$node_pid")
for _ in $(seq 50); do grep -q listening "$BENCH_TMP/broadcast.log" && break; nap 0.1; done

peak_run() { # PORT [--pid PID]
  local port="$1" line
  shift
  line="$(timeout 120 "$CHAT_LOAD_BIN" --mode peak --port "$port" --setup "$BENCH_TMP/peak.txt" --threads 2 \
    --senders "$PEAK_SENDERS" --window 1 --warmup 2 --duration "$DURATION" "$@" 2>>"$BENCH_TMP/chat_load.log" |
    grep '^CHAT_RESULT ')" || { log "chat_load failed:"; tail -5 "$BENCH_TMP/chat_load.log" >&2; return 1; }
  sed 's/^CHAT_RESULT //' <<<"$line"
}
field() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$1" "$2"; }

echo "| trial | Meridian deliveries/s (p50 / p99 ms) | Node ws deliveries/s (p50 / p99 ms) | Meridian / Node | server CPU µs per delivery, Meridian / Node | load average (1/5/15) |"
echo "| ---: | ---: | ---: | ---: | ---: | --- |"
met=0
for trial in $(seq "$TRIALS"); do
  perf_pid=""
  if [[ -n "${PEAK_PERF:-}" && "$trial" == 1 ]]; then
    perf record -g -o "$PEAK_PERF" -p "$MERIDIAN_PID" -- sleep $((DURATION + 4)) >/dev/null 2>&1 &
    perf_pid=$!
  fi
  m="$(peak_run "$meridian_port" --pid "$MERIDIAN_PID")"
  [[ -z "$perf_pid" ]] || wait "$perf_pid" || true
  n="$(peak_run "$node_port" --pid "$node_pid")"
  md="$(field "$m" deliveries_per_s)"
  nd="$(field "$n" deliveries_per_s)"
  ratio="$(awk -v a="$md" -v b="$nd" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  awk -v a="$md" -v b="$nd" 'BEGIN { exit !(a >= b) }' && met=$((met + 1))
  echo "| $trial | $md ($(field "$m" p50_ms) / $(field "$m" p99_ms)) | $nd ($(field "$n" p50_ms) / $(field "$n" p99_ms)) | $ratio | $(field "$m" server_cpu_us_per_delivery) / $(field "$n" server_cpu_us_per_delivery) | $(cut -d' ' -f1-3 /proc/loadavg) |"
done
echo
echo "Meridian delivered at least as many as Node in $met of $TRIALS trials ($PEAK_SIZE members, $PEAK_SENDERS senders, ${DURATION} s each)."
