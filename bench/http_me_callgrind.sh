#!/usr/bin/env bash
# Instructions per authenticated GET /api/v1/me, counted by callgrind: repeatable on a busy
# machine where requests/s are not (valgrind counts instructions, not time). For each binary
# given, alternating ROUNDS times: a fresh SQLite server under callgrind with instrumentation
# off until the measured part, 50 warm-up requests, then N requests (keep-alive, one at a
# time) with instrumentation on. Prints the total and the count per request.
#
#   bench/http_me_callgrind.sh /tmp/meridian-old build/server/src/app/meridian
# Environment: N (2000), ROUNDS (2).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
n="${N:-2000}"
[[ $# -ge 1 ]] || { echo "usage: $0 BINARY [BINARY...]" >&2; exit 2; }
for round in $(seq 1 "${ROUNDS:-2}"); do
  for bin in "$@"; do
    dir="$(mktemp -d /tmp/meridian-callgrind-XXXX)"
    port="$(node bench/tool.mjs free-port)"
    MERIDIAN_ADMIN_EMAIL=admin@bench.local MERIDIAN_ADMIN_PASSWORD=bench-password-1 MERIDIAN_PASSWORD_COST=minimum \
      valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/callgrind.out" \
      "$bin" --port "$port" --address 127.0.0.1 --data-dir "$dir/data" --log-level warn --threads 2 >"$dir/log" 2>&1 &
    pid=$!
    node bench/tool.mjs wait-ready "http://127.0.0.1:$port" 240 >/dev/null
    BASE="http://127.0.0.1:$port" N="$n" PID="$pid" node --input-type=module -e '
      import { execFileSync } from "node:child_process";
      const base = process.env.BASE;
      const login = await fetch(base + "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@bench.local", password: "bench-password-1" }) });
      const { token } = await login.json();
      const me = async (count) => {
        for (let i = 0; i < count; i++) {
          const r = await fetch(base + "/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
          await r.text();
          if (r.status !== 200) throw new Error(`GET /me answered ${r.status}`);
        }
      };
      await me(50);
      execFileSync("callgrind_control", ["-i", "on", process.env.PID], { stdio: "ignore" });
      await me(Number(process.env.N));
      execFileSync("callgrind_control", ["-i", "off", process.env.PID], { stdio: "ignore" });'
    kill "$pid"
    wait "$pid" 2>/dev/null
    total="$(grep -h '^totals:' "$dir"/callgrind.out* | awk '{print $2}' | head -1)"
    echo "round=$round bin=$bin requests=$n instructions=$total per_request=$((total / n))"
    rm -rf "$dir"
  done
done
