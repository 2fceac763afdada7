#!/usr/bin/env bash
# Fan-out against the kernel's own cost (issue 16): Meridian's server CPU per delivery in one
# channel of N members (bench/chat_load peak mode, the existing fan-out benchmark), as a
# multiple of what one small write to each of N loopback sockets costs the kernel on this
# machine (fanout_kernel.c, compiled here with cc). Trials alternate the two in one run, so
# the machine's load hits both alike; the C program writes frames of the size Meridian sent.
# Prints a markdown table on stdout, progress on stderr.
#
#   bench/fanout_kernel/fanout_kernel.sh [TRIALS]      (default 3)
# Environment: MERIDIAN_BIN, CHAT_LOAD_BIN (build/bench/chat_load/chat_load), FANOUT_MEMBERS
# (500), CHAT_PEAK_SENDERS (8), CHAT_DURATION (10 s per Meridian trial), KERNEL_ROUNDS (2000).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

TRIALS="${1:-3}"
MEMBERS="${FANOUT_MEMBERS:-500}"
SENDERS="${CHAT_PEAK_SENDERS:-8}"
DURATION="${CHAT_DURATION:-10}"
ROUNDS="${KERNEL_ROUNDS:-2000}"
CHAT_LOAD_BIN="${CHAT_LOAD_BIN:-$ROOT/build/bench/chat_load/chat_load}"
export MERIDIAN_PASSWORD_COST=minimum # setup only: see chat_load/chat_bench.sh

[[ -x "$CHAT_LOAD_BIN" ]] || { log "no chat_load at $CHAT_LOAD_BIN (cmake --build build --target chat_load)"; exit 1; }
ensure_node_modules
ulimit -n "$(ulimit -Hn)"
kernel_bin="$BENCH_TMP/fanout_kernel"
cc -O2 -Wall -Wextra -Werror -o "$kernel_bin" "$BENCH_DIR/fanout_kernel/fanout_kernel.c"

start_meridian fanout
node "$BENCH_DIR/chat_load/setup.mjs" --url "$MERIDIAN_URL" --admin-email "$BENCH_EMAIL" --admin-password "$BENCH_PASSWORD" \
  --prefix fk --groups 1 --size "$MEMBERS" --out "$BENCH_TMP/members.txt" >&2
port="${MERIDIAN_URL##*:}"

# The size of the message.new frame Meridian delivers for chat_load's text (same length of
# numbers): one member sends one, another receives it.
frame_bytes="$(cd "$BENCH_DIR" && node --input-type=module -e '
import WebSocket from "ws";
import { readFileSync } from "node:fs";
const [a, b] = readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const open = (token) => new Promise((ok, ko) => { const ws = new WebSocket(process.argv[2], { headers: { authorization: `Bearer ${token}` } }); ws.once("open", () => ok(ws)); ws.once("error", ko); });
const [sa, sb] = [await open(a[0]), await open(b[0])];
sb.on("message", (data) => { const m = JSON.parse(data); if (m.type === "message.new") { console.log(data.length); process.exit(0); } });
const t = String(process.hrtime.bigint());
sa.send(JSON.stringify({ type: "message.send", conversation_id: Number(a[1]), client_id: `bfk-0-${t}`, text: `bench t=${t} s=123 padding to a plausible chat line length` }));
setTimeout(() => process.exit(1), 10000);
' "$BENCH_TMP/members.txt" "ws://127.0.0.1:$port/ws")"
log "message.new frames carry $frame_bytes bytes of payload"

field() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$1" "$2"; }
kernel_run() { "$kernel_bin" --sockets "$MEMBERS" --bytes "$frame_bytes" --rounds "$ROUNDS" --mode "$1" | sed -n 's/^FANOUT_KERNEL //p'; }
meridian_run() {
  timeout 120 "$CHAT_LOAD_BIN" --mode peak --port "$port" --setup "$BENCH_TMP/members.txt" --threads 2 \
    --senders "$SENDERS" --window 1 --warmup 2 --duration "$DURATION" --pid "$MERIDIAN_PID" 2>>"$BENCH_TMP/chat_load.log" |
    sed -n 's/^CHAT_RESULT //p'
}

echo "| trial | kernel: CPU µs per write, sendmsg 2 iovecs (sys / user) | kernel: write(2) | Meridian: server CPU µs per delivery | Meridian deliveries/s (p50 / p99 ms) | Meridian / kernel (sendmsg) | load average (1/5/15) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for trial in $(seq "$TRIALS"); do
  log "trial $trial of $TRIALS"
  k="$(kernel_run sendmsg2)"
  kw="$(kernel_run write)"
  m="$(meridian_run)"
  [[ -n "$m" ]] || { log "chat_load failed:"; tail -5 "$BENCH_TMP/chat_load.log" >&2; exit 1; }
  ku="$(field "$k" cpu_us_per_write)"
  mu="$(field "$m" server_cpu_us_per_delivery)"
  echo "| $trial | $ku ($(field "$k" sys_us_per_write) / $(field "$k" user_us_per_write)) | $(field "$kw" cpu_us_per_write) | $mu | $(field "$m" deliveries_per_s) ($(field "$m" p50_ms) / $(field "$m" p99_ms)) | $(awk -v a="$mu" -v b="$ku" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }') | $(cut -d' ' -f1-3 /proc/loadavg) |"
done
echo
echo "$MEMBERS members in one channel, $SENDERS senders back to back (each sends its next on its previous one's delivery), ${DURATION} s per Meridian trial; the kernel program writes $frame_bytes-byte payloads plus a 4-byte WebSocket header to $MEMBERS sockets, $ROUNDS rounds, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))."
