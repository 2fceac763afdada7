#!/usr/bin/env bash
# A/B benchmark of two meridian binaries in the same run: chat fan-out, authenticated
# GET /api/v1/me vs nginx, and idle WebSocket memory per connection. Every round runs each
# benchmark with binary A, then with binary B (A B A B ... for every benchmark), each on a
# fresh server and data folder, so load from other jobs on the machine hits both alike. Prints
# the per-round figures, the median of each side and its run-to-run spread (min-max), and a
# verdict per figure: "unchanged" when the two sides' min-max ranges overlap, otherwise
# "better" or "worse" for B. Progress goes to stderr, the markdown report to stdout.
#
#   scripts/bench-ab.sh OLD_BIN NEW_BIN
# Environment: AB_ROUNDS (3 rounds: each binary runs each benchmark that many times),
# AB_LABELS ("old,new"), AB_BENCHES ("http,ws,chat"), AB_TIMEOUT (1200 s for the whole run),
# AB_RAW (file to keep the raw key=value lines; default in the run's temp folder),
# HTTP: WRK_DURATION (8s; run-bench.sh uses 15s), WRK_THREADS (2), WRK_CONNECTIONS (64);
#   one bench/http_me.sh round per run (3 s warm-up of each, then meridian, then nginx).
# WS: WS_CONNECTIONS (20000, capped by the descriptor limit), WS_IDLE_SECONDS (5).
# Chat: CHAT_LOAD_BIN (build/bench/chat_load/chat_load; use the same client for both sides),
#   CHAT_FANOUT_GROUPS (100) x CHAT_FANOUT_SIZE (100), CHAT_FANOUT_RATES ("100,200" messages/s,
#   one phase each on the same connections), CHAT_DURATION (10 s measured per phase).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bench/lib.sh"

[[ $# == 2 ]] || { echo "usage: $0 OLD_BIN NEW_BIN" >&2; exit 2; }
BIN_A="$(realpath "$1")" BIN_B="$(realpath "$2")"
for b in "$BIN_A" "$BIN_B"; do [[ -x "$b" ]] || { log "no server binary at $b"; exit 1; }; done
IFS=, read -r LABEL_A LABEL_B <<<"${AB_LABELS:-old,new}"
ROUNDS="${AB_ROUNDS:-3}"
BENCHES="${AB_BENCHES:-http,ws,chat}"
AB_TIMEOUT="${AB_TIMEOUT:-1200}"
export WRK_DURATION="${WRK_DURATION:-8s}"
export WRK_THREADS="${WRK_THREADS:-2}" WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WS_CONNECTIONS="${WS_CONNECTIONS:-20000}"
WS_IDLE_SECONDS="${WS_IDLE_SECONDS:-5}"
CHAT_LOAD_BIN="${CHAT_LOAD_BIN:-$ROOT/build/bench/chat_load/chat_load}"
FANOUT_GROUPS="${CHAT_FANOUT_GROUPS:-100}"
FANOUT_SIZE="${CHAT_FANOUT_SIZE:-100}"
FANOUT_RATES="${CHAT_FANOUT_RATES:-100,200}"
CHAT_DURATION="${CHAT_DURATION:-10}"
RAW="${AB_RAW:-$BENCH_TMP/ab.txt}"
: >"$RAW"

# Watchdog, as in run-bench.sh: past the budget, TERM ourselves and the step running now.
(
  trap - EXIT INT TERM
  nap "$AB_TIMEOUT"
  log "over the ${AB_TIMEOUT} s budget, stopping"
  kill -TERM $$
  pkill -TERM -P $$ || true
) &
BENCH_PIDS+=("$!")

ensure_node_modules
[[ ",$BENCHES," != *,chat,* || -x "$CHAT_LOAD_BIN" ]] ||
  { log "no chat_load at $CHAT_LOAD_BIN (cmake -DMERIDIAN_BUILD_BENCH=ON; cmake --build build --target chat_load)"; exit 1; }
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT="$(ulimit -n)"
WS_REQUESTED="$WS_CONNECTIONS"
if ((WS_CONNECTIONS > FD_LIMIT - 100)); then
  WS_CONNECTIONS=$((FD_LIMIT - 100))
  log "descriptor limit is $FD_LIMIT: opening $WS_CONNECTIONS WebSockets, not $WS_REQUESTED"
fi

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
json() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$1" "$2"; }
# emit ROUND BENCH SIDE key=value...: one raw line per measurement.
emit() { echo "round=$1 bench=$2 side=$3 ${*:4}" >>"$RAW"; }

# --- the three benchmarks, one run each on a fresh server of MERIDIAN_BIN ------------------------
run_http() { # ROUND SIDE
  local res="$BENCH_TMP/http.$1.$2" load_start
  load_start="$(load_avg)"
  : >"$res"
  BENCH_RESULTS="$res" HTTP_ROUNDS=1 "$BENCH_DIR/http_me.sh" >/dev/null 2>>"$BENCH_TMP/progress.log"
  r() { sed -n "s/^$1=//p" "$res" | tail -1; }
  emit "$1" http "$2" "me_rps=$(r http_meridian_rps) nginx_rps=$(r http_nginx_rps) ratio_pct=$(r http_ratio_pct)" \
    "me_cpu_us=$(r http_meridian_cpu_us) nginx_cpu_us=$(r http_nginx_cpu_us) me_p99_ms=$(r http_meridian_p99_ms)" \
    "errors=$(r http_errors) load_start=\"$load_start\" load_end=\"$(load_avg)\""
}

run_ws() { # ROUND SIDE
  local line j load_start
  load_start="$(load_avg)"
  start_meridian "ws.$1.$2"
  local token
  token="$(meridian_token)"
  sleep 1 # let the login's allocations settle before the "before" reading
  line="$(timeout 300 node "$BENCH_DIR/ws_idle.mjs" --url "$MERIDIAN_URL" --token "$token" --pid "$MERIDIAN_PID" \
    --count "$WS_CONNECTIONS" --idle-seconds "$WS_IDLE_SECONDS" 2>>"$BENCH_TMP/progress.log" | grep '^WS_RESULT')"
  stop_pid "$MERIDIAN_PID"
  rm -rf "$BENCH_TMP/ws.$1.$2"
  j="${line#WS_RESULT }"
  emit "$1" ws "$2" "kib_per_conn=$(json "$j" kib_per_connection) open=$(json "$j" open_after_idle)" \
    "failed=$(json "$j" failed) open_s=$(json "$j" open_seconds) rss_before_kib=$(json "$j" rss_before_kib)" \
    "rss_after_kib=$(json "$j" rss_after_kib) load_start=\"$load_start\" load_end=\"$(load_avg)\""
}

run_chat() { # ROUND SIDE
  local name="chat.$1.$2" dir port pid url all fan load_start
  load_start="$(load_avg)"
  dir="$BENCH_TMP/$name"
  mkdir -p "$dir/data"
  port="$(free_port)"
  # As chat_bench.sh: Argon2id at its minimum cost so 10,000 users sign in within seconds
  # (setup only; nothing measured hashes a password).
  MERIDIAN_PASSWORD_COST=minimum MERIDIAN_ADMIN_EMAIL="$BENCH_EMAIL" MERIDIAN_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    "$MERIDIAN_BIN" --port "$port" --address 127.0.0.1 --data-dir "$dir/data" --log-level warn >"$dir/server.log" 2>&1 &
  pid=$!
  BENCH_PIDS+=("$pid")
  url="http://127.0.0.1:$port"
  node "$BENCH_DIR/tool.mjs" wait-ready "$url" 30 || { log "meridian did not become ready"; tail -20 "$dir/server.log" >&2; return 1; }
  node "$BENCH_DIR/chat_load/setup.mjs" --url "$url" --admin-email "$BENCH_EMAIL" --admin-password "$BENCH_PASSWORD" \
    --prefix fan --groups "$FANOUT_GROUPS" --size "$FANOUT_SIZE" --out "$dir/fan.txt" 2>>"$BENCH_TMP/progress.log"
  all="$(timeout 200 "$CHAT_LOAD_BIN" --mode fanout --port "$port" --setup "$dir/fan.txt" --threads 2 \
    --rate "$FANOUT_RATES" --warmup 3 --duration "$CHAT_DURATION" --drain 3 --pid "$pid" \
    2>>"$BENCH_TMP/progress.log" | sed -n 's/^CHAT_RESULT //p')"
  stop_pid "$pid"
  rm -rf "$dir"
  [[ -n "$all" ]] || { log "chat_load gave no result"; return 1; }
  while read -r fan; do
    local rate
    rate="$(json "$fan" rate)"
    emit "$1" "chat$rate" "$2" "p50_ms=$(json "$fan" p50_ms) p99_ms=$(json "$fan" p99_ms) max_ms=$(json "$fan" max_ms)" \
      "deliveries=$(json "$fan" deliveries) expected=$(json "$fan" expected_deliveries)" \
      "cpu_us_per_delivery=$(json "$fan" server_cpu_us_per_delivery) connected=$(json "$fan" connected)" \
      "kib_per_client=$(json "$fan" kib_per_client) settle_s=$(json "$fan" settle_seconds)" \
      "load_start=\"$load_start\" load_end=\"$(json "$fan" load_average)\""
  done <<<"$all"
}

# --- the run: for each round, each benchmark with A then B ----------------------------------------
started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_at_start="$(load_avg)"
SECONDS=0
log "A/B: A = $LABEL_A ($BIN_A), B = $LABEL_B ($BIN_B); $ROUNDS rounds of $BENCHES; load average $load_at_start"
IFS=, read -ra bench_list <<<"$BENCHES"
for ((round = 1; round <= ROUNDS; round++)); do
  for bench in "${bench_list[@]}"; do
    for side in A B; do
      if [[ "$side" == A ]]; then MERIDIAN_BIN="$BIN_A"; else MERIDIAN_BIN="$BIN_B"; fi
      export MERIDIAN_BIN
      log "round $round/$ROUNDS: $bench, $side ($([[ $side == A ]] && echo "$LABEL_A" || echo "$LABEL_B")) at ${SECONDS} s, load $(load_avg)"
      # A run that fails (a server that did not start under load, a client that timed out)
      # is logged and left out of the figures; the others still count.
      if "run_$bench" "$round" "$side"; then tail -1 "$RAW" >&2; else log "round $round: $bench $side failed, left out"; fi
    done
  done
done
ended="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_at_end="$(load_avg)"
elapsed=$SECONDS

# --- report ---------------------------------------------------------------------------------------
# values BENCH SIDE KEY: that figure of every round, in round order.
values() { awk -v b="$1" -v s="$2" -v k="$3" '
  { delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    if (f["bench"] == b && f["side"] == s && f[k] != "" && f[k] != "-1") print f[k] }' "$RAW"; }
# stats: "median min max" of the numbers on stdin.
stats() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "- - -"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%g %g %g\n", m, v[1], v[NR] }'; }
# verdict HIGHER_IS_BETTER A_MIN A_MAX A_MED B_MIN B_MAX B_MED
verdict() { awk -v hib="$1" -v amin="$2" -v amax="$3" -v amed="$4" -v bmin="$5" -v bmax="$6" -v bmed="$7" 'BEGIN {
  if (bmin <= amax && amin <= bmax) { print "unchanged (ranges overlap)"; exit }
  pct = (amed != 0) ? sprintf("%+.0f %%", 100 * (bmed - amed) / amed) : ""
  better = hib ? (bmed > amed) : (bmed < amed)
  print (better ? "**better**" : "**worse**") " (" pct ", outside the spread)" }'; }

rows=() per_round=()
# figure BENCH KEY HIGHER_IS_BETTER "description"
figure() {
  local a_med a_min a_max b_med b_min b_max
  read -r a_med a_min a_max < <(values "$1" A "$2" | stats)
  read -r b_med b_min b_max < <(values "$1" B "$2" | stats)
  [[ "$a_med" != - && "$b_med" != - ]] || return 0
  rows+=("| $4 | $a_med | $a_min – $a_max | $b_med | $b_min – $b_max | $(verdict "$3" "$a_min" "$a_max" "$a_med" "$b_min" "$b_max" "$b_med") |")
  per_round+=("| $4 | $(values "$1" A "$2" | paste -sd' ' | sed 's/ /, /g') | $(values "$1" B "$2" | paste -sd' ' | sed 's/ /, /g') |")
}
for bench in "${bench_list[@]}"; do
  case "$bench" in
  http)
    figure http ratio_pct 1 "\`/api/v1/me\`: meridian / nginx, % (same run)"
    figure http me_rps 1 "\`/api/v1/me\`: meridian requests/s"
    figure http me_cpu_us 0 "\`/api/v1/me\`: server CPU µs / request"
    figure http me_p99_ms 0 "\`/api/v1/me\`: p99 ms"
    figure http nginx_rps 1 "(reference) nginx requests/s"
    ;;
  ws)
    figure ws kib_per_conn 0 "idle WebSocket: KiB of server RSS / connection"
    figure ws open_s 0 "idle WebSocket: seconds to open them all"
    ;;
  chat)
    IFS=, read -ra rates <<<"$FANOUT_RATES"
    for rate in "${rates[@]}"; do
      figure "chat$rate" p99_ms 0 "chat fan-out $rate msg/s: send-to-deliver p99 ms"
      figure "chat$rate" p50_ms 0 "chat fan-out $rate msg/s: p50 ms"
      figure "chat$rate" cpu_us_per_delivery 0 "chat fan-out $rate msg/s: server CPU µs / delivery"
    done
    figure "chat${rates[0]}" kib_per_client 0 "chat: KiB of server RSS / connected client"
    ;;
  esac
done

cat <<MD
### A/B run: $LABEL_A (A) vs $LABEL_B (B)

$started - $ended ($((elapsed / 60)) min $((elapsed % 60)) s), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r).
Load average (1/5/15 min) at the start $load_at_start, at the end $load_at_end.
A = \`$BIN_A\`, B = \`$BIN_B\`. $ROUNDS rounds; in each, every benchmark ran with A then with B,
each on a fresh server and data folder. \`/me\`: \`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION\` (one
bench/http_me.sh round per run). Idle WebSockets: $WS_CONNECTIONS connections$( ((WS_CONNECTIONS == WS_REQUESTED)) || echo " (descriptor limit $FD_LIMIT)"), $WS_IDLE_SECONDS s idle.
Chat fan-out: $((FANOUT_GROUPS * FANOUT_SIZE)) clients in $FANOUT_GROUPS channels of $FANOUT_SIZE, $FANOUT_RATES messages/s, ${CHAT_DURATION} s per phase,
client \`$CHAT_LOAD_BIN\`.

Verdict: "unchanged" when the min-max ranges of A and B overlap (the difference is inside the
run-to-run spread); otherwise better or worse for B, with the change of the median.

| figure | $LABEL_A median | $LABEL_A spread (min-max) | $LABEL_B median | $LABEL_B spread (min-max) | $LABEL_B vs $LABEL_A |
| --- | ---: | ---: | ---: | ---: | --- |
$(printf '%s\n' "${rows[@]}")

Per round (round 1, 2, ...):

| figure | $LABEL_A | $LABEL_B |
| --- | --- | --- |
$(printf '%s\n' "${per_round[@]}")

Load average (1/5/15) at the start / end of each run:

| round | benchmark | side | start | end |
| ---: | --- | --- | --- | --- |
$(awk '{ delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  match($0, /load_start="[^"]*"/); ls = substr($0, RSTART + 12, RLENGTH - 13)
  match($0, /load_end="[^"]*"/); le = substr($0, RSTART + 10, RLENGTH - 11)
  print "| " f["round"] " | " f["bench"] " | " f["side"] " | " ls " | " le " |" }' "$RAW")

MD
