#!/usr/bin/env bash
# Authenticated GET /api/v1/me on meridian against Debian's nginx serving the same bytes as
# a static file, both driven by the same wrk parameters in the same run. Prints a markdown
# section on stdout; progress on stderr.
#   bench/http_me.sh            (MERIDIAN_BIN, WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION, HTTP_ROUNDS,
#                                HTTP_ME_PERF=DIR to profile one more run of each with perf)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_DURATION="${WRK_DURATION:-15s}"
HTTP_ROUNDS="${HTTP_ROUNDS:-2}"
WRK_ARGS=(-t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION")

start_nginx() {
  local dir="$BENCH_TMP/nginx" port
  mkdir -p "$dir/html/api/v1" "$dir/tmp"
  chmod -R a+rX "$dir"
  cp "$1" "$dir/html/api/v1/me"
  port="$(free_port)"
  # The same security headers meridian sends, so both answers are about the same size.
  cat >"$dir/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/json;
  server {
    listen 127.0.0.1:$port;
    root $dir/html;
    add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Referrer-Policy no-referrer always;
    add_header Cache-Control no-store always;
    add_header X-Request-Id \$request_id always;
    location = /readyz { return 200 '{"status":"ready"}'; }
  }
}
NGINX
  nginx -e "$dir/error.log" -p "$dir/" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
  NGINX_URL="http://127.0.0.1:$port"
  if ! node "$BENCH_DIR/tool.mjs" wait-ready "$NGINX_URL" 10; then
    log "nginx did not start:"
    cat "$dir/error.log" "$dir/stdout.log" >&2 || true
    return 1
  fi
}

# cpu_ticks PID...: user + system clock ticks used so far by these processes.
cpu_ticks() {
  local pid total=0 stat fields
  for pid in "$@"; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    # Fields after "(comm) " start at field 3; utime and stime are fields 14 and 15.
    read -ra fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# run_wrk LABEL URL TOKEN PID...: one wrk run; prints its WRK_RESULT line with the CPU time
# the target's processes used per request appended (a fairer figure on shared cores).
run_wrk() {
  local label="$1" url="$2" token="$3" out line before after requests
  shift 3
  before="$(cpu_ticks "$@")"
  out="$(MERIDIAN_TOKEN="$token" timeout 120 wrk "${WRK_ARGS[@]}" -s "$BENCH_DIR/wrk_report.lua" "$url")"
  after="$(cpu_ticks "$@")"
  line="$(grep '^WRK_RESULT' <<<"$out")"
  [[ -n "$line" ]] || { log "wrk gave no result for $label:"; echo "$out" >&2; return 1; }
  requests="$(wrk_field "$line" requests)"
  line="$line cpu_us_per_req=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  log "$label: $line"
  echo "$line"
}

command -v wrk >/dev/null || { log "wrk is not installed (scripts/install-deps.sh --test)"; exit 1; }
command -v nginx >/dev/null || { log "nginx is not installed (scripts/install-deps.sh --test)"; exit 1; }

log "http_me: starting meridian and nginx"
start_meridian http
TOKEN="$(meridian_token)"
node "$BENCH_DIR/tool.mjs" get "$MERIDIAN_URL/api/v1/me" "$TOKEN" >"$BENCH_TMP/me.json"
start_nginx "$BENCH_TMP/me.json"
ME_BYTES="$(wc -c <"$BENCH_TMP/me.json")"

# A short warm-up of each, then alternating rounds so background load hits both alike.
MERIDIAN_TOKEN="$TOKEN" timeout 30 wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d3s "$MERIDIAN_URL/api/v1/me" \
  -H "Authorization: Bearer $TOKEN" >/dev/null
timeout 30 wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d3s "$NGINX_URL/api/v1/me" >/dev/null

rows=()
m_total=0 n_total=0 m_cpus=() n_cpus=() m_p50s=() m_p99s=() n_p50s=() n_p99s=() bad=0
for ((round = 1; round <= HTTP_ROUNDS; round++)); do
  m="$(run_wrk "meridian round $round" "$MERIDIAN_URL/api/v1/me" "$TOKEN" "$MERIDIAN_PID")"
  n="$(run_wrk "nginx round $round" "$NGINX_URL/api/v1/me" "$TOKEN" "$NGINX_PID" $(pgrep -P "$NGINX_PID"))"
  m_rps="$(wrk_field "$m" rps)" n_rps="$(wrk_field "$n" rps)"
  ratio="$(awk -v a="$m_rps" -v b="$n_rps" 'BEGIN { printf "%.0f", 100 * a / b }')"
  m_total="$(awk -v a="$m_total" -v b="$m_rps" 'BEGIN { print a + b }')"
  n_total="$(awk -v a="$n_total" -v b="$n_rps" 'BEGIN { print a + b }')"
  m_cpus+=("$(wrk_field "$m" cpu_us_per_req)") n_cpus+=("$(wrk_field "$n" cpu_us_per_req)")
  m_p50s+=("$(wrk_field "$m" p50_ms)") m_p99s+=("$(wrk_field "$m" p99_ms)")
  n_p50s+=("$(wrk_field "$n" p50_ms)") n_p99s+=("$(wrk_field "$n" p99_ms)")
  for line in "$m" "$n"; do
    bad=$((bad + $(wrk_field "$line" non2xx) + $(wrk_field "$line" socket_errors)))
  done
  rows+=("| $round | meridian | $m_rps | $(wrk_field "$m" p50_ms) | $(wrk_field "$m" p99_ms) | $(wrk_field "$m" cpu_us_per_req) | $(wrk_field "$m" non2xx) / $(wrk_field "$m" socket_errors) | $ratio % |")
  rows+=("| $round | nginx | $n_rps | $(wrk_field "$n" p50_ms) | $(wrk_field "$n" p99_ms) | $(wrk_field "$n" cpu_us_per_req) | $(wrk_field "$n" non2xx) / $(wrk_field "$n" socket_errors) | |")
done
# HTTP_ME_PERF=DIR: one more wrk run of each, under `perf record` (cpu-clock, flat: the
# RelWithDebInfo build keeps no frame pointers), after the measured rounds so that the
# profiler's own cost is in none of the figures above. DIR receives meridian.data / nginx.data
# and their reports by shared object and symbol (self time), BENCHMARKS.md ("Where /api/v1/me spends its CPU") reads them.
if [[ -n "${HTTP_ME_PERF:-}" ]]; then
  mkdir -p "$HTTP_ME_PERF"
  perf_run() { # NAME URL PID...
    local name="$1" url="$2" pids
    shift 2
    pids="$(IFS=,; echo "$*")"
    perf record -e cpu-clock -F 4999 -o "$HTTP_ME_PERF/$name.data" -p "$pids" -- sleep 12 >/dev/null 2>&1 &
    local perf_pid=$!
    nap 1
    MERIDIAN_TOKEN="$TOKEN" timeout 60 wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d10s -s "$BENCH_DIR/wrk_report.lua" "$url" |
      grep '^WRK_RESULT' >"$HTTP_ME_PERF/$name.wrk" || true
    wait "$perf_pid" || true
    perf report -i "$HTTP_ME_PERF/$name.data" --stdio --no-children --sort dso >"$HTTP_ME_PERF/$name.dso.txt" 2>/dev/null || true
    perf report -i "$HTTP_ME_PERF/$name.data" --stdio --no-children --sort dso,sym >"$HTTP_ME_PERF/$name.sym.txt" 2>/dev/null || true
    log "perf: $HTTP_ME_PERF/$name.{data,dso.txt,sym.txt,wrk}"
  }
  perf_run meridian "$MERIDIAN_URL/api/v1/me" "$MERIDIAN_PID"
  perf_run nginx "$NGINX_URL/api/v1/me" $(pgrep -P "$NGINX_PID")
fi

ratio="$(awk -v a="$m_total" -v b="$n_total" 'BEGIN { printf "%.0f", 100 * a / b }')"
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
m_rps_mean="$(awk -v a="$m_total" -v r="$HTTP_ROUNDS" 'BEGIN { printf "%.0f", a / r }')"
n_rps_mean="$(awk -v a="$n_total" -v r="$HTTP_ROUNDS" 'BEGIN { printf "%.0f", a / r }')"

record http_meridian_rps "$m_rps_mean"
record http_nginx_rps "$n_rps_mean"
record http_meridian_p50_ms "$(median "${m_p50s[@]}")"
record http_meridian_p99_ms "$(median "${m_p99s[@]}")"
record http_nginx_p50_ms "$(median "${n_p50s[@]}")"
record http_nginx_p99_ms "$(median "${n_p99s[@]}")"
record http_meridian_cpu_us "$(median "${m_cpus[@]}")"
record http_nginx_cpu_us "$(median "${n_cpus[@]}")"
record http_ratio_pct "$ratio"
record http_errors "$bad"

cat <<MD
### Authenticated \`GET /api/v1/me\` vs nginx static file

\`wrk ${WRK_ARGS[*]}\` with \`bench/wrk_report.lua\` (adds \`Authorization: Bearer <token>\`; sent to
nginx too so the requests are the same size). nginx 1.22 (\`worker_processes 2\`, \`access_log off\`)
serves the exact ${ME_BYTES}-byte body meridian returned, with the same response headers.
Rounds alternate meridian / nginx after a 3 s warm-up of each. wrk, the server and everything
else on the machine share its $(nproc) cores. "Server CPU µs / request" is the user + system time
the server's processes (nginx: master and workers) used during the run, from \`/proc/<pid>/stat\`,
divided by the requests served: less sensitive than requests/s to how the cores were shared.

| round | target | requests/s | p50 ms | p99 ms | server CPU µs / request | non-2xx / socket errors | meridian / nginx |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |
$(printf '%s\n' "${rows[@]}")

meridian mean ${m_rps_mean} req/s, nginx mean ${n_rps_mean} req/s: **meridian = ${ratio} % of nginx**.

MD
