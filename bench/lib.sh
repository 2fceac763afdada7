# Shared by scripts/run-bench.sh and bench/http_me.sh (sourced, not run): a private temp
# folder, processes started on loopback free ports, and a trap that always stops them and
# removes the folder.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
MERIDIAN_BIN="${MERIDIAN_BIN:-$ROOT/build/server/src/app/meridian}"
BENCH_EMAIL="${BENCH_EMAIL:-bench@example.com}"
BENCH_PASSWORD="${BENCH_PASSWORD:-Bench-password-2024}"

BENCH_PIDS=()
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/meridian-bench.XXXXXX")"
# A benchmark drives thousands of sockets from a few loopback clients: the WebSocket rate
# limits (docs/websocket.md) are off so that they do not shape what is measured.
export MERIDIAN_WS_FRAMES_PER_SECOND=0 MERIDIAN_WS_PERSON_FRAMES_PER_SECOND=0 MERIDIAN_WS_WRITES_PER_SECOND=0
# nginx workers drop to an unprivileged user when started as root; let them reach their files.
chmod 711 "$BENCH_TMP"
# A FIFO nobody writes to: read -t on it sleeps without a child process to reap or leave behind.
mkfifo "$BENCH_TMP/.nap"
nap() { read -r -t "$1" <>"$BENCH_TMP/.nap" || true; }

log() { echo "[bench] $*" >&2; }

bench_cleanup() {
  local pid deadline
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 8))
  for pid in "${BENCH_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do nap 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Stops one process started here (TERM, then KILL after 8 s) and forgets it.
stop_pid() {
  local pid="$1" deadline=$((SECONDS + 8)) kept=() p
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do nap 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${BENCH_PIDS[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  BENCH_PIDS=("${kept[@]}")
}

free_port() { node "$BENCH_DIR/tool.mjs" free-port; }

ensure_node_modules() {
  if [[ ! -d "$BENCH_DIR/node_modules/ws" ]]; then
    log "npm ci in bench/"
    (cd "$BENCH_DIR" && npm ci --silent --no-audit --no-fund --ignore-scripts)
  fi
}

# start_meridian NAME: a fresh server on an empty data folder; sets MERIDIAN_PID and MERIDIAN_URL.
start_meridian() {
  local name="$1" port dir
  [[ -x "$MERIDIAN_BIN" ]] || { log "no server binary at $MERIDIAN_BIN (run make server or set MERIDIAN_BIN)"; return 1; }
  dir="$BENCH_TMP/$name"
  mkdir -p "$dir/data"
  port="$(free_port)"
  MERIDIAN_ADMIN_EMAIL="$BENCH_EMAIL" MERIDIAN_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    "$MERIDIAN_BIN" --port "$port" --address 127.0.0.1 --data-dir "$dir/data" --log-level warn \
    >"$dir/server.log" 2>&1 &
  MERIDIAN_PID=$!
  BENCH_PIDS+=("$MERIDIAN_PID")
  MERIDIAN_URL="http://127.0.0.1:$port"
  if ! node "$BENCH_DIR/tool.mjs" wait-ready "$MERIDIAN_URL" 20; then
    log "meridian did not become ready; its log:"
    tail -20 "$dir/server.log" >&2
    return 1
  fi
}

meridian_token() { node "$BENCH_DIR/tool.mjs" login "$MERIDIAN_URL" "$BENCH_EMAIL" "$BENCH_PASSWORD"; }

# Appends key=value to $BENCH_RESULTS (when set) for the summary table in run-bench.sh.
record() { [[ -z "${BENCH_RESULTS:-}" ]] || echo "$1=$2" >>"$BENCH_RESULTS"; }

# wrk_field LINE NAME: the value of NAME=... in a WRK_RESULT line.
wrk_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
