#!/usr/bin/env bash
# What TLS on the server itself costs (issue 16): one binary started twice, plain and with a
# fresh self-signed certificate (--tls-cert/--tls-key), measured alternately with wrk in the
# same run: small requests (GET /healthz, keep-alive, 16 connections) and a 4 MiB static
# file (the TLS relay's copy against plain sendfile). Prints one line per measurement.
#
#   bench/tls_overhead.sh [build/server/src/app/meridian]
# Environment: ROUNDS (2), SECONDS_EACH (5).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bin="${1:-build/server/src/app/meridian}"
work="$(mktemp -d /tmp/meridian-tls-bench-XXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/web/assets"
echo '<!doctype html><title>bench</title>' >"$work/web/index.html"
head -c 4194304 /dev/urandom >"$work/web/assets/big.bin"

start() {  # port, name, extra flags... (not in a subshell: the pid must reach cleanup)
  local port="$1" name="$2"
  shift 2
  MERIDIAN_ADMIN_PASSWORD=bench-password-1 MERIDIAN_PASSWORD_COST=minimum \
    "$bin" --port "$port" --address 127.0.0.1 --data-dir "$work/$name" --web-root "$work/web" \
    --log-level warn --threads 2 "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
plain_port="$(node bench/tool.mjs free-port)"
tls_port="$(node bench/tool.mjs free-port)"
start "$plain_port" plain
start "$tls_port" tls --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
node bench/tool.mjs wait-ready "http://127.0.0.1:$plain_port" 30
until curl -sk -o /dev/null "https://127.0.0.1:$tls_port/healthz"; do sleep 0.2; done

for round in $(seq 1 "${ROUNDS:-2}"); do
  for kind in plain tls; do
    if [[ $kind == plain ]]; then base="http://127.0.0.1:$plain_port"; else base="https://127.0.0.1:$tls_port"; fi
    small="$(wrk -t1 -c16 -d"${SECONDS_EACH:-5}"s "$base/healthz" | awk '/Requests\/sec/ {print $2}')"
    big="$(wrk -t1 -c4 -d"${SECONDS_EACH:-5}"s "$base/assets/big.bin" | awk '/Transfer\/sec/ {print $2}')"
    echo "round=$round $kind healthz_rps=$small big_file_transfer_per_s=$big load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
