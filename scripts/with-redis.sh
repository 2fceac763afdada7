#!/usr/bin/env bash
# Runs a command next to a throwaway Redis server:
#   scripts/with-redis.sh <command...>
# The server lives in a fresh temp dir, listens only on 127.0.0.1 on a free port, keeps
# nothing on disk, and is stopped (and the dir deleted) when the command ends, also when
# it fails or is interrupted. The command sees
#   MERIDIAN_TEST_REDIS_URL=redis://127.0.0.1:<port>
#   MERIDIAN_TEST_REDIS_CONF=<the config file>   (a test may restart the server with
#                                                  `redis-server $MERIDIAN_TEST_REDIS_CONF`)
#   MERIDIAN_REQUIRE_REDIS=1
# and its exit code is this script's exit code.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

redis_server="${MERIDIAN_REDIS_SERVER:-$(command -v redis-server || true)}"
if [[ -z "$redis_server" || ! -x "$redis_server" ]]; then
  echo "with-redis: redis-server not found (scripts/install-deps.sh --test installs it)" >&2
  exit 2
fi

tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/mredis.XXXXXX")"
conf="$tmp_dir/redis.conf"
pid_file="$tmp_dir/redis.pid"
log_file="$tmp_dir/redis.log"

stop_server() {
  # The pid file names the live server, also one a test restarted with the same config.
  local pid
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  rm -rf "$tmp_dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

port=""
for attempt in 1 2 3; do
  candidate="$(free_port)"
  cat >"$conf" <<CONF
bind 127.0.0.1
port $candidate
daemonize yes
pidfile $pid_file
logfile $log_file
dir $tmp_dir
save ""
appendonly no
protected-mode yes
CONF
  rm -f "$pid_file"
  if "$redis_server" "$conf" >/dev/null 2>&1; then
    for _ in $(seq 1 50); do
      if [[ -s "$pid_file" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        port="$candidate"
        break
      fi
      sleep 0.1
    done
  fi
  [[ -n "$port" ]] && break
  stop_server
  echo "with-redis: start attempt $attempt on port $candidate failed" >&2
done
if [[ -z "$port" ]]; then
  echo "with-redis: Redis did not start; server log:" >&2
  cat "$log_file" >&2 || true
  exit 1
fi

export MERIDIAN_TEST_REDIS_URL="redis://127.0.0.1:$port"
export MERIDIAN_TEST_REDIS_CONF="$conf"
export MERIDIAN_REQUIRE_REDIS=1

set +e
"$@"
rc=$?
set -e
exit "$rc"
