#!/usr/bin/env bash
# Runs every benchmark in bench/ against the meridian binary and prints a markdown summary.
# Each benchmark starts its own processes on loopback free ports with fresh temp folders; a
# trap stops them and removes the folders however the run ends. The whole run is bounded
# (BENCH_TIMEOUT seconds, default 900).
#
#   scripts/run-bench.sh                 (or: make bench)
# Environment: MERIDIAN_BIN (default build/server/src/app/meridian), WS_CONNECTIONS (20000),
# STARTUP_RUNS (10), HTTP_ROUNDS (2), WRK_DURATION (15s), BENCH_RESULTS (key=value file to keep),
# CHAT_BENCH (1; 0 skips the chat benchmarks, which need build/bench/chat_load/chat_load, see
# bench/chat_load/chat_bench.sh for their own settings),
# FILES_BENCH (1; 0 skips the file transfers), FILES_SIZE_MIB (1024), FILES_ROUNDS (2), FILES_PARALLEL (10).
# To compare two binaries (before/after a change) in one run, alternating, use scripts/bench-ab.sh.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bench/lib.sh"

WS_CONNECTIONS="${WS_CONNECTIONS:-20000}"
STARTUP_RUNS="${STARTUP_RUNS:-10}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1500}"
FILES_BENCH="${FILES_BENCH:-1}"
export MERIDIAN_BIN
export BENCH_RESULTS="${BENCH_RESULTS:-$BENCH_TMP/results.txt}"
: >"$BENCH_RESULTS"

# Watchdog: past the budget, TERM ourselves and the step running now (bash runs the trap only
# once its foreground child returns); the trap then stops everything we started.
(
  trap - EXIT INT TERM
  nap "$BENCH_TIMEOUT"
  log "over the ${BENCH_TIMEOUT} s budget, stopping"
  kill -TERM $$
  pkill -TERM -P $$ || true
) &
BENCH_PIDS+=("$!")

[[ -x "$MERIDIAN_BIN" ]] || { log "no server binary at $MERIDIAN_BIN (make server, or set MERIDIAN_BIN)"; exit 1; }
ensure_node_modules

# 20 000 sockets on each side need more descriptors than the usual 1024 (root may raise the
# hard limit; others get what the hard limit allows).
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT="$(ulimit -n)"
# Both the server and the client hold one descriptor per WebSocket plus their own few dozen;
# where the hard limit is too low (a container without CAP_SYS_RESOURCE), open fewer and say so.
WS_REQUESTED="$WS_CONNECTIONS"
if ((WS_CONNECTIONS > FD_LIMIT - 100)); then
  WS_CONNECTIONS=$((FD_LIMIT - 100))
  log "descriptor limit is $FD_LIMIT (cannot raise it): opening $WS_CONNECTIONS WebSockets, not $WS_REQUESTED"
fi

result() { sed -n "s/^$1=//p" "$BENCH_RESULTS" | tail -1; }
section=()

# --- 1. HTTP throughput ----------------------------------------------------------------------
log "1/5 HTTP /api/v1/me vs nginx"
section+=("$("$BENCH_DIR/http_me.sh")")

# --- 2. Idle WebSocket memory ----------------------------------------------------------------
log "2/5 $WS_CONNECTIONS idle WebSockets"
start_meridian ws
WS_TOKEN="$(meridian_token)"
sleep 1 # let the login's allocations settle before the "before" reading
ws_line="$(timeout 300 node "$BENCH_DIR/ws_idle.mjs" --url "$MERIDIAN_URL" --token "$WS_TOKEN" --pid "$MERIDIAN_PID" \
  --count "$WS_CONNECTIONS" | grep '^WS_RESULT')"
stop_pid "$MERIDIAN_PID"
ws_json="${ws_line#WS_RESULT }"
ws() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$ws_json" "$1"; }
record ws_opened "$(ws open_after_idle)"
record ws_kib_per_connection "$(ws kib_per_connection)"
section+=("$(cat <<MD
### Idle WebSockets: server memory per connection

\`node bench/ws_idle.mjs --count $WS_CONNECTIONS\`: authenticated \`/ws\` connections (\`Authorization: Bearer\`,
no permessage-deflate), client side spread over $(ws sources) source addresses 127.0.0.2..; 200 handshakes
in flight; ${FD_LIMIT} descriptors allowed per process$( ((WS_CONNECTIONS == WS_REQUESTED)) || echo " (the hard limit here; raising it was refused, so $WS_CONNECTIONS rather than $WS_REQUESTED connections)"). VmRSS of the server from \`/proc/<pid>/status\` after
login and before any WebSocket, then after all were open and $(ws idle_seconds) s idle.

| requested | open after idle | failed | server gauge | time to open | RSS before | RSS after | RSS after closing | server threads | KiB / connection |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| $(ws requested) | $(ws open_after_idle) | $(ws failed) | $(ws server_ws_gauge) | $(ws open_seconds) s | $(ws rss_before_kib) KiB | $(ws rss_after_kib) KiB | $(ws rss_after_close_kib) KiB | $(ws threads) | **$(ws kib_per_connection)** |
$( [[ "$(ws failed)" == 0 ]] || echo; [[ "$(ws failed)" == 0 ]] || echo "First failure: \`$(ws first_error)\`" )

MD
)")

# --- 3. Start-up to ready --------------------------------------------------------------------
log "3/5 start-up to ready, $STARTUP_RUNS runs"
mkdir -p "$BENCH_TMP/startup"
st_line="$(MERIDIAN_ADMIN_EMAIL="$BENCH_EMAIL" MERIDIAN_ADMIN_PASSWORD="$BENCH_PASSWORD" timeout 180 \
  node "$BENCH_DIR/startup.mjs" --bin "$MERIDIAN_BIN" --runs "$STARTUP_RUNS" --restarts 5 --poll-ms 2 --tmp "$BENCH_TMP/startup" |
  grep '^STARTUP_RESULT')"
st_json="${st_line#STARTUP_RESULT }"
st() { node -e 'const r = JSON.parse(process.argv[1]); const v = r[process.argv[2]]; console.log(Array.isArray(v) ? v.join(", ") : v)' "$st_json" "$1"; }
record startup_min_ms "$(st min_ms)"
record startup_median_ms "$(st median_ms)"
record startup_max_ms "$(st max_ms)"
record restart_median_ms "$(st restart_median_ms)"
record startup_over_300 "$(node -e 'console.log(JSON.parse(process.argv[1]).times_ms.filter((t) => t >= 300).length)' "$st_json")"
section+=("$(cat <<MD
### Start-up to ready

\`node bench/startup.mjs --runs $STARTUP_RUNS --restarts 5\`: spawn \`meridian\` on an empty data folder, poll \`GET /readyz\`
every 2 ms, time spawn -> first 200; SIGTERM and wait for exit between runs. Every run is a first
start, so every run includes migrations and creating the administrator (an Argon2id hash of
\`MERIDIAN_ADMIN_PASSWORD\`, cost \`interactive\`). For comparison, 5 restarts on a folder that is
already set up (nothing to migrate, the administrator exists); the target is on the first kind.

| starts | runs | min | median | max | each run (ms) |
| --- | ---: | ---: | ---: | ---: | --- |
| empty data folder | $(st runs) | $(st min_ms) ms | **$(st median_ms) ms** | $(st max_ms) ms | $(st times_ms) |
| set-up data folder | $(st restarts) | $(st restart_min_ms) ms | $(st restart_median_ms) ms | $(st restart_max_ms) ms | $(st restart_times_ms) |

MD
)")

# --- 4. Chat: fan-out, peak vs Node.js, durable sends, history, memory per client -----------
CHAT_BENCH="${CHAT_BENCH:-1}"
if [[ "$CHAT_BENCH" != 0 ]]; then
  log "4/5 chat (bench/chat_load/chat_bench.sh)"
  section+=("$("$BENCH_DIR/chat_load/chat_bench.sh")")
fi

# --- 5. File transfers ----------------------------------------------------------------------
if [[ "$FILES_BENCH" == 1 ]]; then
  log "5/5 files: 1 GiB vs nginx, parallel uploads, small uploads"
  section+=("$("$BENCH_DIR/files.sh")")
fi

# --- Summary ---------------------------------------------------------------------------------
met() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= t : (op == "<=") ? v <= t : v < t; print ok ? "met" : "**NOT met**" }'; }
ws_ok="$(met "$(result ws_kib_per_connection)" "<=" 20)"
[[ "$(result ws_opened)" == "$WS_CONNECTIONS" ]] || ws_ok="**NOT met** (only $(result ws_opened) of $WS_CONNECTIONS open)"
((WS_CONNECTIONS == WS_REQUESTED)) || ws_ok="$ws_ok (at $WS_CONNECTIONS connections: descriptor limit $FD_LIMIT)"
http_ok="$(met "$(result http_ratio_pct)" ">=" 50)"
[[ "$(result http_errors)" == 0 ]] || http_ok="$http_ok ($(result http_errors) errors)"

cat <<MD
## Meridian benchmarks

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), load average at the end $(cut -d' ' -f1-3 /proc/loadavg).
Binary: \`${MERIDIAN_BIN#"$ROOT/"}\`.

| benchmark | result | target | |
| --- | --- | --- | --- |
| \`GET /api/v1/me\`, wrk -t2 -c64 | $(result http_meridian_rps) req/s (p50 $(result http_meridian_p50_ms) ms, p99 $(result http_meridian_p99_ms) ms) = $(result http_ratio_pct) % of nginx's $(result http_nginx_rps) req/s (p50 $(result http_nginx_p50_ms) ms, p99 $(result http_nginx_p99_ms) ms); server CPU per request $(result http_meridian_cpu_us) µs vs $(result http_nginx_cpu_us) µs | >= 50 % of nginx | $http_ok |
| idle WebSocket memory | $(result ws_kib_per_connection) KiB per connection over $(result ws_opened) connections | <= 20 KiB | $ws_ok |
| start-up to ready (empty data folder) | median $(result startup_median_ms) ms (min $(result startup_min_ms), max $(result startup_max_ms)); on a set-up folder median $(result restart_median_ms) ms | < 300 ms | $(met "$(result startup_median_ms)" "<" 300) on the median; $(result startup_over_300) of $STARTUP_RUNS runs at or over 300 ms |
$( [[ "$CHAT_BENCH" == 0 ]] || cat <<CHAT
| chat fan-out: $(result chat_fanout_clients) clients in channels of ${CHAT_FANOUT_SIZE:-100}, $(result chat_fanout_rate) messages/s | $(result chat_fanout_deliveries_per_s) deliveries/s, send-to-deliver p50 $(result chat_fanout_p50_ms) ms, p99 $(result chat_fanout_p99_ms) ms | p99 < 100 ms | $(met "$(result chat_fanout_p99_ms)" "<" 100) |
| chat peak, one channel of ${CHAT_PEAK_SIZE:-1000} | Meridian $(result chat_peak_meridian) deliveries/s (storing every message) vs Node.js ws broadcast $(result chat_peak_node) | >= Node.js | $(met "$(result chat_peak_meridian)" ">=" "$(result chat_peak_node)") |
| chat durable sends (acknowledged) | SQLite $(result chat_durable_sqlite)/s, PostgreSQL $(result chat_durable_pg)/s | | |
| chat history page, 1,000,000 messages | p50 $(result chat_history_p50_ms) ms, p99 $(result chat_history_p99_ms) ms | p99 < 10 ms | $(met "$(result chat_history_p99_ms)" "<" 10) |
| memory per connected chat client | $(result chat_kib_per_client) KiB | | |
CHAT
)
$( [[ "$FILES_BENCH" != 1 ]] || cat <<FILES
| 1 GiB download (\`GET /api/v1/files/{id}/content\`) | $(result files_download_mbps) MB/s = $(result files_download_pct) % of nginx's $(result files_nginx_download_mbps) MB/s | >= 90 % of nginx | $(met "$(result files_download_pct)" ">=" 90) |
| 1 GiB upload (tus, one PATCH, fsync before the answer) | $(result files_upload_mbps) MB/s = $(result files_upload_pct) % of nginx WebDAV PUT's $(result files_nginx_upload_mbps) MB/s (plain upload $(result files_plain_upload_mbps) MB/s; the disk took $(result files_disk_fdatasync_mbps) MB/s with dd conv=fdatasync) | >= 70 % of nginx | $(met "$(result files_upload_pct)" ">=" 70) |
| 1 GiB upload, \`files.fsync = false\` (no fsync, like nginx) | $(result files_upload_nofsync_mbps) MB/s = $(result files_upload_nofsync_pct) % of nginx WebDAV PUT | >= 70 % of nginx | $(met "$(result files_upload_nofsync_pct)" ">=" 70) |
| server RSS growth, $(result files_parallel_ok) parallel 1 GiB uploads | $(result files_parallel_rss_growth_mib) MiB | < 100 MiB | $(met "$(result files_parallel_rss_growth_mib)" "<" 100) |
| 4 KiB uploads | $(result files_small_per_second) per second ($(result files_small_failed) failed) | | |
FILES
)

$(printf '%s\n\n' "${section[@]}")
MD
