#!/usr/bin/env bash
# Durable chat sends, binaries alternating (ABAB): for each binary, round and sender count, a
# fresh SQLite server (--threads 2), SENDERS people each in their own channel sending one
# message at a time (window 1: the next after the ack, which comes after the commit), 8 s
# measured. Prints one line per run with chat_load's CHAT_RESULT json (acks_per_s, p50..p99).
#
#   bench/chat_load/durable_ab.sh /tmp/meridian-old build/server/src/app/meridian
# Environment: SENDERS ("16 64"), ROUNDS (2), CHAT_LOAD_BIN (build/bench/chat_load/chat_load).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export MERIDIAN_WS_FRAMES_PER_SECOND=0 MERIDIAN_WS_PERSON_FRAMES_PER_SECOND=0 MERIDIAN_WS_WRITES_PER_SECOND=0
export MERIDIAN_PASSWORD_COST=minimum  # setup only: sign-ins are not measured
CHAT_LOAD_BIN="${CHAT_LOAD_BIN:-build/bench/chat_load/chat_load}"
[[ $# -ge 1 ]] || { echo "usage: $0 BINARY [BINARY...]" >&2; exit 2; }
for round in $(seq 1 "${ROUNDS:-2}"); do
  for senders in ${SENDERS:-16 64}; do
    for bin in "$@"; do
      dir="$(mktemp -d /tmp/meridian-durable-XXXX)"
      port="$(node bench/tool.mjs free-port)"
      MERIDIAN_ADMIN_EMAIL=admin@bench.local MERIDIAN_ADMIN_PASSWORD=bench-password-1 \
        "$bin" --port "$port" --address 127.0.0.1 --data-dir "$dir" --log-level warn --threads 2 >"$dir/log" 2>&1 &
      pid=$!
      node bench/tool.mjs wait-ready "http://127.0.0.1:$port" 30
      node bench/chat_load/setup.mjs --url "http://127.0.0.1:$port" --admin-email admin@bench.local \
        --admin-password bench-password-1 --prefix d --groups "$senders" --size 1 --out "$dir/setup.txt" >/dev/null 2>&1
      line="$(timeout 120 "$CHAT_LOAD_BIN" --mode durable --port "$port" --setup "$dir/setup.txt" --threads 2 --pid "$pid" \
        --window 1 --warmup 2 --duration 8 2>/dev/null | grep '^CHAT_RESULT ')"
      echo "round=$round senders=$senders bin=$bin load=$(cut -d' ' -f1 /proc/loadavg) $line"
      kill "$pid"
      wait "$pid" 2>/dev/null
      rm -rf "$dir"
    done
  done
done
