#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL server:
#   scripts/with-postgres.sh <command...>
# The server lives in a fresh temp dir, listens only on 127.0.0.1 on a free port, and is
# stopped and deleted when the command ends. The command sees
#   MERIDIAN_TEST_PG_URL=postgresql://meridian@127.0.0.1:<port>/meridian
#   MERIDIAN_REQUIRE_PG=1
#   MERIDIAN_TEST_PG_RESTART=<a script that restarts the server on the same port>
# and its exit code is this script's exit code.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

pg_bin="${MERIDIAN_PG_BIN:-}"
if [[ -z "$pg_bin" ]]; then
  for candidate in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [[ -n "$candidate" && -x "$candidate/initdb" ]]; then
      pg_bin="$candidate"
      break
    fi
  done
fi
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  echo "with-postgres: PostgreSQL server binaries not found (set MERIDIAN_PG_BIN)" >&2
  exit 2
fi

# PostgreSQL refuses to run as root: then the server belongs to the Debian `postgres` user.
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

# Short path: the unix socket path must stay under ~100 bytes.
tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/mpg.XXXXXX")"
data_dir="$tmp_dir/data"
log_file="$tmp_dir/server.log"
server_started=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $server_started -eq 1 ]]; then
    as_server_user "$pg_bin/pg_ctl" -D "$data_dir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp_dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root but there is no 'postgres' user to run the server" >&2
    exit 2
  fi
  chown postgres: "$tmp_dir"
fi

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

if ! as_server_user "$pg_bin/initdb" -D "$data_dir" -U meridian --auth=trust -E UTF8 --locale=C \
    >"$tmp_dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$tmp_dir/initdb.log" >&2
  exit 1
fi

# Test-only settings: nothing durable is kept, so skip the fsyncs.
cat >>"$data_dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

# The port can be taken between probing and binding: try a few.
port=""
for attempt in 1 2 3; do
  candidate="$(free_port)"
  if as_server_user "$pg_bin/pg_ctl" -D "$data_dir" -l "$log_file" -w -t 60 \
      -o "-p $candidate" \
      start >/dev/null 2>&1; then
    port="$candidate"
    server_started=1
    break
  fi
  echo "with-postgres: start attempt $attempt on port $candidate failed" >&2
done
if [[ -z "$port" ]]; then
  echo "with-postgres: PostgreSQL did not start; server log:" >&2
  cat "$log_file" >&2 || true
  exit 1
fi

for _ in $(seq 1 100); do
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U meridian -d postgres; then break; fi
  sleep 0.1
done
if ! "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U meridian -d postgres; then
  echo "with-postgres: PostgreSQL is not answering on port $port; server log:" >&2
  cat "$log_file" >&2 || true
  exit 1
fi

if ! "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U meridian meridian >"$tmp_dir/createdb.log" 2>&1; then
  echo "with-postgres: createdb failed:" >&2
  cat "$tmp_dir/createdb.log" "$log_file" >&2 || true
  exit 1
fi

export MERIDIAN_TEST_PG_URL="postgresql://meridian@127.0.0.1:$port/meridian"
export MERIDIAN_REQUIRE_PG=1

# A test of what survives a PostgreSQL restart runs this: a fast stop (every connection cut)
# and a start on the same port and data.
cat >"$tmp_dir/restart" <<RESTART
#!/usr/bin/env bash
set -euo pipefail
$(declare -f as_server_user)
as_server_user "$pg_bin/pg_ctl" -D "$data_dir" -l "$log_file" -m fast -w -t 60 -o "-p $port" restart >/dev/null
RESTART
chmod +x "$tmp_dir/restart"
export MERIDIAN_TEST_PG_RESTART="$tmp_dir/restart"

set +e
"$@"
rc=$?
set -e
exit "$rc"
