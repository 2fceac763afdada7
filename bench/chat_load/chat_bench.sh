#!/usr/bin/env bash
# Chat benchmarks with bench/chat_load (C++ WebSocket clients): fan-out, peak fan-out against
# a minimal Node.js broadcast server, durable sends on SQLite and PostgreSQL, history pages
# over 1,000,000 stored messages, memory per connected client. Prints a markdown section on
# stdout and records key=value results (lib.sh `record`) for scripts/run-bench.sh.
#
#   bench/chat_load/chat_bench.sh            (scripts/run-bench.sh runs it)
#   bench/chat_load/chat_bench.sh durable-pg (internal: run under scripts/with-postgres.sh)
# Environment: MERIDIAN_BIN, CHAT_LOAD_BIN (default build/bench/chat_load/chat_load),
# CHAT_FANOUT_GROUPS (100) x CHAT_FANOUT_SIZE (100), CHAT_FANOUT_RATES ("100,200" messages/s),
# CHAT_PEAK_SIZE (1000), CHAT_DURATION (10 s measured per run), CHAT_HISTORY_MESSAGES (1000000).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

CHAT_DIR="$BENCH_DIR/chat_load"
CHAT_LOAD_BIN="${CHAT_LOAD_BIN:-$ROOT/build/bench/chat_load/chat_load}"
FANOUT_GROUPS="${CHAT_FANOUT_GROUPS:-100}"
FANOUT_SIZE="${CHAT_FANOUT_SIZE:-100}"
FANOUT_RATES="${CHAT_FANOUT_RATES:-100,200}" # messages/s in total, one phase each, same connections
PEAK_SIZE="${CHAT_PEAK_SIZE:-1000}"
PEAK_SENDERS="${CHAT_PEAK_SENDERS:-8}"
DURABLE_SENDERS="${CHAT_DURABLE_SENDERS:-16}"
DURATION="${CHAT_DURATION:-10}"
HISTORY_MESSAGES="${CHAT_HISTORY_MESSAGES:-1000000}"
HISTORY_REQUESTS="${CHAT_HISTORY_REQUESTS:-2000}"
# Setup and history seeding only: Argon2id at libsodium's minimum cost, so creating and
# signing in 11,000 users takes seconds. It changes nothing on the measured paths.
export MERIDIAN_PASSWORD_COST=minimum

[[ -x "$CHAT_LOAD_BIN" ]] || { log "no chat_load at $CHAT_LOAD_BIN (cmake -DMERIDIAN_BUILD_BENCH=ON; cmake --build build --target chat_load)"; exit 1; }
ensure_node_modules
ulimit -n "$(ulimit -Hn)"

# chat_start NAME [server args...]: meridian on a free port with the data folder
# $BENCH_TMP/NAME/data (kept when it exists); sets MERIDIAN_PID, MERIDIAN_URL, CHAT_PORT.
chat_start() {
  local name="$1" dir
  shift
  dir="$BENCH_TMP/$name"
  mkdir -p "$dir/data"
  CHAT_PORT="$(free_port)"
  MERIDIAN_ADMIN_EMAIL="$BENCH_EMAIL" MERIDIAN_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    "$MERIDIAN_BIN" --port "$CHAT_PORT" --address 127.0.0.1 --data-dir "$dir/data" --log-level warn "$@" \
    >>"$dir/server.log" 2>&1 &
  MERIDIAN_PID=$!
  BENCH_PIDS+=("$MERIDIAN_PID")
  MERIDIAN_URL="http://127.0.0.1:$CHAT_PORT"
  if ! node "$BENCH_DIR/tool.mjs" wait-ready "$MERIDIAN_URL" 30; then
    log "meridian did not become ready; its log:"
    tail -20 "$dir/server.log" >&2
    return 1
  fi
}

# chat_setup PREFIX GROUPS SIZE FILE: users and channels over REST (setup.mjs).
chat_setup() {
  node "$CHAT_DIR/setup.mjs" --url "$MERIDIAN_URL" --admin-email "$BENCH_EMAIL" --admin-password "$BENCH_PASSWORD" \
    --prefix "$1" --groups "$2" --size "$3" --out "$4"
}

# chat_run ARGS...: runs chat_load, echoes its CHAT_RESULT json lines (its summary goes to stderr).
chat_run() {
  local line
  line="$(timeout 200 "$CHAT_LOAD_BIN" "$@" | grep '^CHAT_RESULT ')" || { log "chat_load $* failed"; return 1; }
  sed 's/^CHAT_RESULT //' <<<"$line"
}

# field JSON NAME
field() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$1" "$2"; }

durable_run() {
  chat_setup durable "$DURABLE_SENDERS" 1 "$BENCH_TMP/durable.txt" >&2
  chat_run --mode durable --port "$CHAT_PORT" --setup "$BENCH_TMP/durable.txt" --threads 2 --pid "$MERIDIAN_PID" --window 1 \
    --warmup 2 --duration "$DURATION"
}

if [[ "${1:-}" == "durable-pg" ]]; then
  [[ -n "${MERIDIAN_TEST_PG_URL:-}" ]] || { log "durable-pg runs under scripts/with-postgres.sh"; exit 2; }
  chat_start pg --database-url "$MERIDIAN_TEST_PG_URL"
  durable_run
  stop_pid "$MERIDIAN_PID"
  exit 0
fi

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- 1. Fan-out and memory per client ---------------------------------------------------------
clients=$((FANOUT_GROUPS * FANOUT_SIZE))
log "chat 1/5: fan-out, $clients clients in $FANOUT_GROUPS channels of $FANOUT_SIZE, $FANOUT_RATES messages/s"
chat_start chat
chat_setup fan "$FANOUT_GROUPS" "$FANOUT_SIZE" "$BENCH_TMP/fan.txt" >&2
fan_all="$(chat_run --mode fanout --port "$CHAT_PORT" --setup "$BENCH_TMP/fan.txt" --threads 2 --rate "$FANOUT_RATES" \
  --warmup 3 --duration "$DURATION" --drain 3 --pid "$MERIDIAN_PID")"
fan_rows=()
while read -r fan; do
  fan_rows+=("| fan-out: $(field "$fan" conversations) channels of $FANOUT_SIZE, $(field "$fan" rate) messages/s, each from a random member | $(field "$fan" connected) of $(field "$fan" clients) | $(field "$fan" load_average) | **$(field "$fan" deliveries_per_s) deliveries/s** ($(field "$fan" deliveries) of $(field "$fan" expected_deliveries) expected in ${DURATION} s); send-to-deliver p50 $(field "$fan" p50_ms) ms, p90 $(field "$fan" p90_ms) ms, **p99 $(field "$fan" p99_ms) ms**, max $(field "$fan" max_ms) ms |")
done <<<"$fan_all"
fan_mem="$(head -1 <<<"$fan_all")"
fan_first="$fan_mem"
fan="$(tail -1 <<<"$fan_all")"

# --- 2. Peak fan-out in one channel: Meridian, then the Node.js broadcast server -------------
log "chat 2/5: peak fan-out in one channel of $PEAK_SIZE, $PEAK_SENDERS senders"
chat_setup peak 1 "$PEAK_SIZE" "$BENCH_TMP/peak.txt" >&2
peak="$(chat_run --mode peak --port "$CHAT_PORT" --setup "$BENCH_TMP/peak.txt" --threads 2 --pid "$MERIDIAN_PID" --senders "$PEAK_SENDERS" \
  --window 1 --warmup 2 --duration "$DURATION")"

# --- 3a. Durable sends on SQLite (same server) ----------------------------------------------
log "chat 3/5: durable sends, SQLite"
dur_sqlite="$(durable_run)"
stop_pid "$MERIDIAN_PID"

node_port="$(free_port)"
node "$CHAT_DIR/broadcast_server.mjs" --port "$node_port" >"$BENCH_TMP/broadcast.log" 2>&1 &
node_pid=$!
BENCH_PIDS+=("$node_pid")
node "$BENCH_DIR/tool.mjs" wait-ready "http://127.0.0.1:$node_port" 1 2>/dev/null || true # no /readyz: just a pause
grep -q listening "$BENCH_TMP/broadcast.log" || nap 1
peak_node="$(chat_run --mode peak --port "$node_port" --setup "$BENCH_TMP/peak.txt" --threads 2 --senders "$PEAK_SENDERS" \
  --window 1 --warmup 2 --duration "$DURATION")"
stop_pid "$node_pid"

# --- 3b. Durable sends on PostgreSQL ----------------------------------------------------------
log "chat 3/5: durable sends, PostgreSQL"
dur_pg="$("$ROOT/scripts/with-postgres.sh" "$CHAT_DIR/chat_bench.sh" durable-pg 2>"$BENCH_TMP/pg.log" | tail -1)" ||
  { log "PostgreSQL run failed:"; tail -20 "$BENCH_TMP/pg.log" >&2; dur_pg='{}'; }

# --- 4. History pages over 1,000,000 stored messages -----------------------------------------
log "chat 4/5: history, seeding $HISTORY_MESSAGES messages"
chat_start history
chat_setup hist 1 1 "$BENCH_TMP/hist.txt" >&2
read -r hist_token hist_conv <"$BENCH_TMP/hist.txt"
stop_pid "$MERIDIAN_PID"
db="$(ls "$BENCH_TMP/history/data/"*.db | head -1)"
seed_start=$SECONDS
# Straight into the SQLite file, while the server is stopped, exactly as the server would
# have stored them: seq and change_seq 1..N without gaps, one author (the channel's
# creator), unique client_id, created_at one second apart, the conversation's region, and
# the conversation's counter (last_seq) at N so the next post continues the sequence.
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $HISTORY_MESSAGES)
INSERT INTO messages (conversation_id, seq, author_id, client_id, text, created_at, region, change_seq)
SELECT c.id, n.x, c.created_by, 'seed-' || n.x, 'seeded history message number ' || n.x || ', about the length of a chat line',
       c.created_at - ($HISTORY_MESSAGES - n.x) * 1000, c.region, n.x
FROM n, conversations c WHERE c.id = $hist_conv;
UPDATE conversations SET last_seq = $HISTORY_MESSAGES WHERE id = $hist_conv;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
seed_seconds=$((SECONDS - seed_start))
chat_start history
load_history="$(load_avg)"
hist="$(chat_run --mode history --port "$CHAT_PORT" --token "$hist_token" --conversation "$hist_conv" \
  --max-seq "$HISTORY_MESSAGES" --threads 1 --requests "$HISTORY_REQUESTS")"
stop_pid "$MERIDIAN_PID"

f() { field "$1" "$2"; }
record chat_fanout_deliveries_per_s "$(f "$fan_first" deliveries_per_s)"
record chat_fanout_p50_ms "$(f "$fan_first" p50_ms)"
record chat_fanout_p99_ms "$(f "$fan_first" p99_ms)"
record chat_fanout_clients "$(f "$fan_first" connected)"
record chat_kib_per_client "$(f "$fan_mem" kib_per_client)"
record chat_fanout_rate "$(f "$fan_first" rate)"
record chat_peak_meridian "$(f "$peak" deliveries_per_s)"
record chat_peak_node "$(f "$peak_node" deliveries_per_s)"
record chat_durable_sqlite "$(f "$dur_sqlite" acks_per_s)"
record chat_durable_pg "$(f "$dur_pg" acks_per_s)"
record chat_history_p50_ms "$(f "$hist" p50_ms)"
record chat_history_p99_ms "$(f "$hist" p99_ms)"

cat <<MD
### Chat: fan-out, durable sends, history (bench/chat_load)

\`bench/chat_load/chat_bench.sh\` (run by \`scripts/run-bench.sh\`): \`chat_load\` is a C++ load
generator (Boost.Beast WebSocket clients, one io_context per thread, 2 threads) in its own
process; users and channels are created over REST by \`setup.mjs\` (server started with
\`MERIDIAN_PASSWORD_COST=minimum\` so that 11,000 users sign in within seconds; nothing measured
hashes a password). Every text carries its send time (steady clock of the load generator,
which is also the receiver, so no clock skew). $(ulimit -Hn) descriptors per process: the
server and chat_load are separate processes, each with its own limit.

| run | clients | load average (1/5/15 min) at the end of the run | result |
| --- | ---: | --- | --- |
$(printf '%s\n' "${fan_rows[@]}")
| memory per connected client (server VmRSS in the fan-out run) | $(f "$fan_mem" connected) | | $(f "$fan_mem" rss_before_kib) KiB before; $(f "$fan_mem" rss_open_kib) KiB once all were open ($(f "$fan_mem" rss_before_kib | awk -v a="$(f "$fan_mem" rss_open_kib)" -v n="$(f "$fan_mem" connected)" '{ printf "%.1f", (a - $1) / n }') KiB per client); $(f "$fan_mem" rss_connected_kib) KiB once quiet, $(f "$fan_mem" settle_seconds) s later: **$(f "$fan_mem" kib_per_client) KiB per client** (see the presence note below) |
| peak, Meridian: one channel of $PEAK_SIZE, $(f "$peak" senders) senders back to back | $(f "$peak" connected) | $(f "$peak" load_average) | **$(f "$peak" deliveries_per_s) deliveries/s** ($(f "$peak" deliveries_per_s | awk -v n="$PEAK_SIZE" '{ printf "%.0f", $1 / n }') messages/s stored); p50 $(f "$peak" p50_ms) ms, p99 $(f "$peak" p99_ms) ms |
| peak, Node.js \`ws\` broadcast server (no storage), same clients | $(f "$peak_node" connected) | $(f "$peak_node" load_average) | **$(f "$peak_node" deliveries_per_s) deliveries/s**; p50 $(f "$peak_node" p50_ms) ms, p99 $(f "$peak_node" p99_ms) ms |
| durable sends, SQLite: $DURABLE_SENDERS senders (each alone in a channel), next send on the ack | $(f "$dur_sqlite" connected) | $(f "$dur_sqlite" load_average) | **$(f "$dur_sqlite" acks_per_s) acknowledged sends/s**; ack p50 $(f "$dur_sqlite" p50_ms) ms, p99 $(f "$dur_sqlite" p99_ms) ms |
| durable sends, PostgreSQL 15 (scripts/with-postgres.sh, same host) | $(f "$dur_pg" connected) | $(f "$dur_pg" load_average) | **$(f "$dur_pg" acks_per_s) acknowledged sends/s**; ack p50 $(f "$dur_pg" p50_ms) ms, p99 $(f "$dur_pg" p99_ms) ms |
| history: \`GET .../messages?before=<random>&limit=50\`, $HISTORY_MESSAGES messages in the channel, 1 keep-alive connection | | $load_history (at the start) | $(f "$hist" requests) requests: p50 $(f "$hist" p50_ms) ms, **p99 $(f "$hist" p99_ms) ms**, max $(f "$hist" max_ms) ms ($(f "$hist" errors) errors, $(f "$hist" short_pages) short pages) |

History seeding: the $HISTORY_MESSAGES messages were inserted with the \`sqlite3\` CLI straight
into the stopped server's database in one transaction (${seed_seconds} s): seq = change_seq =
1..N without gaps, unique client_ids, the conversation's region, and \`conversations.last_seq\`
set to N, so the server continues the sequence.

Each fan-out phase starts only once the server has gone quiet after the $(f "$fan_first" connected) clients
connected (under 5 % of a core over a second): here after $(f "$fan_first" settle_seconds) s. Presence
goes only to sockets that subscribed to someone (\`presence.subscribe\`; chat_load's clients
subscribe to nobody), so people coming online cost the server little; the wait guards the
measurement against whatever else the start-up leaves running.

MD
