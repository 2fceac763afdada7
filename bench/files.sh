#!/usr/bin/env bash
# File transfer: a 1 GiB download and upload over loopback, meridian against Debian's nginx
# in the same run (nginx serves the same file, and accepts it by WebDAV PUT with its body
# temp files on the same disk); server memory during parallel 1 GiB uploads; 4 KiB uploads
# per second. Meridian runs twice: as configured by default (every stored file fsynced
# before the answer) and with files.fsync = false, the durability nginx's PUT has (none);
# dd with conv=fdatasync measures in the same round what the disk takes durably.
# Prints a markdown section on stdout; progress on stderr.
#   bench/files.sh   (MERIDIAN_BIN, FILES_SIZE_MIB=1024, FILES_ROUNDS=2, FILES_PARALLEL=10,
#                     SMALL_SECONDS=10, SMALL_CONCURRENCY=8)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FILES_SIZE_MIB="${FILES_SIZE_MIB:-1024}"
FILES_ROUNDS="${FILES_ROUNDS:-2}"
FILES_PARALLEL="${FILES_PARALLEL:-10}"
SMALL_SECONDS="${SMALL_SECONDS:-10}"
SMALL_CONCURRENCY="${SMALL_CONCURRENCY:-8}"
SIZE=$((FILES_SIZE_MIB * 1024 * 1024))

command -v curl >/dev/null || { log "curl is not installed"; exit 1; }
command -v nginx >/dev/null || { log "nginx is not installed (scripts/install-deps.sh --test)"; exit 1; }

start_nginx_files() {
  local dir="$BENCH_TMP/nginx-files" port
  mkdir -p "$dir/html/dav" "$dir/tmp"
  chmod -R a+rwX "$dir"
  ln "$1" "$dir/html/big.bin"
  chmod a+r "$dir/html/big.bin"
  port="$(free_port)"
  cat >"$dir/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nodelay on;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $dir/html;
    location /dav/ {
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 0;
    }
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

# curl_time ARGS...: runs curl, prints "http_code seconds".
curl_time() { curl -sS -o /dev/null -H 'Expect:' -w '%{http_code} %{time_total}\n' "$@"; }
mbps() { awk -v b="$SIZE" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
check() { [[ "${1%% *}" == "$2" ]] || { log "$3: HTTP ${1%% *} (expected $2)"; exit 1; }; }

# tus_create NAME [URL TOKEN SPACE]: the upload's path (default: the fsyncing server).
tus_create() {
  local url="${2:-$MERIDIAN_URL}" token="${3:-$TOKEN}" space="${4:-$SPACE}"
  curl -sS -D - -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
    -H "Upload-Length: $SIZE" \
    -H "Upload-Metadata: filename $(printf '%s' "$1" | base64 -w0),space_id $(printf '%s' "$space" | base64 -w0)" \
    "$url/api/v1/uploads" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p'
}
# tus_send PATH HEADERS_FILE [URL TOKEN]: the whole file in one PATCH; prints "http_code seconds".
tus_send() {
  local url="${3:-$MERIDIAN_URL}" token="${4:-$TOKEN}"
  curl_time -D "$2" -X PATCH -T "$BIG" -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
    -H 'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: 0' "$url$1"
}
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# Before each measurement: earlier writes on their way to the disk, so that no transfer pays
# for the one before it.
settle() { sync; nap 1; }

rss_kib() { sed -n 's/^VmRSS:\s*\([0-9]*\).*/\1/p' "/proc/$1/status"; }

log "files: writing a ${FILES_SIZE_MIB} MiB test file"
BIG="$BENCH_TMP/big.bin"
head -c "$SIZE" /dev/urandom >"$BIG"
BIG_SHA="$(sha256sum "$BIG" | cut -d' ' -f1)"

export MERIDIAN_FILES_PERSONAL_QUOTA_BYTES=$((1024 * 1024 * 1024 * 1024))
first_space() {
  node "$BENCH_DIR/tool.mjs" get "$1/api/v1/spaces" "$2" |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => { const j = JSON.parse(s); console.log(j.items[0].id); })'
}
MERIDIAN_FILES_FSYNC=0 start_meridian files-nofsync
NOSYNC_URL="$MERIDIAN_URL" NOSYNC_PID="$MERIDIAN_PID"
NOSYNC_TOKEN="$(meridian_token)"
NOSYNC_SPACE="$(first_space "$NOSYNC_URL" "$NOSYNC_TOKEN")"
start_meridian files
TOKEN="$(meridian_token)"
SPACE="$(first_space "$MERIDIAN_URL" "$TOKEN")"
start_nginx_files "$BIG"
LOAD_START="$(loadavg)" STARTED_AT="$(date -u '+%Y-%m-%d %H:%M')"

rows=()
declare -A sum=([m_tus]=0 [m_plain]=0 [m_nosync]=0 [n_put]=0 [dd]=0 [m_get]=0 [n_get]=0)
add() { sum[$1]="$(awk -v a="${sum[$1]}" -v b="$2" 'BEGIN { print a + b }')"; }
for ((round = 1; round <= FILES_ROUNDS; round++)); do
  log "files: round $round / $FILES_ROUNDS (load $(loadavg))"
  load="$(loadavg)"
  settle
  loc="$(tus_create "big-$round.bin")"
  r="$(tus_send "$loc" "$BENCH_TMP/patch.headers")"; check "$r" 204 "meridian tus PATCH"
  m_tus="${r#* }"; add m_tus "$m_tus"
  file_id="$(tr -d '\r' <"$BENCH_TMP/patch.headers" | sed -n 's/^[Xx]-[Mm]eridian-[Ff]ile-[Ii]d: //p')"
  settle
  r="$(curl_time -X POST -T "$BIG" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' \
    "$MERIDIAN_URL/api/v1/spaces/$SPACE/files?name=plain-$round.bin")"; check "$r" 201 "meridian plain upload"
  m_plain="${r#* }"; add m_plain "$m_plain"
  settle
  loc="$(tus_create "big-$round.bin" "$NOSYNC_URL" "$NOSYNC_TOKEN" "$NOSYNC_SPACE")"
  r="$(tus_send "$loc" "$BENCH_TMP/patch-nosync.headers" "$NOSYNC_URL" "$NOSYNC_TOKEN")"; check "$r" 204 "meridian (fsync off) tus PATCH"
  m_nosync="${r#* }"; add m_nosync "$m_nosync"
  settle
  r="$(curl_time -T "$BIG" "$NGINX_URL/dav/big-$round.bin")"; [[ "${r%% *}" == 201 || "${r%% *}" == 204 ]] || check "$r" 201 "nginx PUT"
  n_put="${r#* }"; add n_put "$n_put"
  rm -f "$BENCH_TMP/nginx-files/html/dav/big-$round.bin"
  settle
  t0="$(date +%s.%N)"
  dd if="$BIG" of="$BENCH_TMP/dd.bin" bs=4M conv=fdatasync status=none
  t1="$(date +%s.%N)"
  rm -f "$BENCH_TMP/dd.bin"
  dd_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"; add dd "$dd_s"
  settle
  r="$(curl_time -H "Authorization: Bearer $TOKEN" "$MERIDIAN_URL/api/v1/files/$file_id/content")"; check "$r" 200 "meridian GET"
  m_get="${r#* }"; add m_get "$m_get"
  r="$(curl_time "$NGINX_URL/big.bin")"; check "$r" 200 "nginx GET"
  n_get="${r#* }"; add n_get "$n_get"
  rows+=("| $round | $load | $(mbps "$m_tus") | $(mbps "$m_plain") | $(mbps "$m_nosync") | $(mbps "$n_put") | $(mbps "$dd_s") | $(mbps "$m_get") | $(mbps "$n_get") |")
done
LOAD_END="$(loadavg)"
# The bytes came back whole (last round's file).
got_sha="$(curl -sS -H "Authorization: Bearer $TOKEN" "$MERIDIAN_URL/api/v1/files/$file_id/content" | sha256sum | cut -d' ' -f1)"
[[ "$got_sha" == "$BIG_SHA" ]] || { log "meridian returned different bytes"; exit 1; }
mean() { awk -v s="${sum[$1]}" -v n="$FILES_ROUNDS" 'BEGIN { print s / n }'; }
M_TUS="$(mbps "$(mean m_tus)")" M_PLAIN="$(mbps "$(mean m_plain)")" M_NOSYNC="$(mbps "$(mean m_nosync)")"
N_PUT="$(mbps "$(mean n_put)")" DD="$(mbps "$(mean dd)")"
M_GET="$(mbps "$(mean m_get)")" N_GET="$(mbps "$(mean n_get)")"
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
record files_download_mbps "$M_GET"
record files_nginx_download_mbps "$N_GET"
record files_download_pct "$(pct "$M_GET" "$N_GET")"
record files_upload_mbps "$M_TUS"
record files_plain_upload_mbps "$M_PLAIN"
record files_nginx_upload_mbps "$N_PUT"
record files_upload_pct "$(pct "$M_TUS" "$N_PUT")"
record files_upload_nofsync_mbps "$M_NOSYNC"
record files_upload_nofsync_pct "$(pct "$M_NOSYNC" "$N_PUT")"
record files_disk_fdatasync_mbps "$DD"
stop_pid "$NOSYNC_PID"

# --- parallel uploads: server memory ------------------------------------------------------
log "files: $FILES_PARALLEL parallel ${FILES_SIZE_MIB} MiB tus uploads"
sleep 1
settle
PAR_LOAD="$(loadavg)"
RSS_BEFORE="$(rss_kib "$MERIDIAN_PID")"
(
  trap - EXIT INT TERM
  peak=0
  while kill -0 "$MERIDIAN_PID" 2>/dev/null; do
    v="$(rss_kib "$MERIDIAN_PID")"
    ((v > peak)) && peak=$v && echo "$peak" >"$BENCH_TMP/rss.peak"
    nap 0.1
  done
) &
SAMPLER=$!
BENCH_PIDS+=("$SAMPLER")
locs=()
for ((i = 1; i <= FILES_PARALLEL; i++)); do locs+=("$(tus_create "parallel-$i.bin")"); done
t0="$(date +%s.%N)"
pids=()
for ((i = 1; i <= FILES_PARALLEL; i++)); do
  tus_send "${locs[$((i - 1))]}" "$BENCH_TMP/parallel-$i.headers" >"$BENCH_TMP/parallel-$i.result" &
  pids+=("$!")
done
for p in "${pids[@]}"; do wait "$p"; done
t1="$(date +%s.%N)"
stop_pid "$SAMPLER"
RSS_PEAK="$(cat "$BENCH_TMP/rss.peak" 2>/dev/null || echo "$RSS_BEFORE")"
RSS_AFTER="$(rss_kib "$MERIDIAN_PID")"
par_ok=0
for ((i = 1; i <= FILES_PARALLEL; i++)); do [[ "$(cut -d' ' -f1 "$BENCH_TMP/parallel-$i.result")" == 204 ]] && par_ok=$((par_ok + 1)); done
PAR_SECONDS="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
PAR_MBPS="$(awk -v b="$SIZE" -v n="$FILES_PARALLEL" -v s="$PAR_SECONDS" 'BEGIN { printf "%.0f", b * n / s / 1e6 }')"
RSS_GROWTH_MIB="$(awk -v a="$RSS_PEAK" -v b="$RSS_BEFORE" 'BEGIN { printf "%.1f", (a - b) / 1024 }')"
record files_parallel_ok "$par_ok"
record files_parallel_rss_growth_mib "$RSS_GROWTH_MIB"

# --- small files --------------------------------------------------------------------------
log "files: 4 KiB uploads for $SMALL_SECONDS s, $SMALL_CONCURRENCY at a time"
SMALL_LOAD="$(loadavg)"
small_line="$(timeout $((SMALL_SECONDS + 60)) node "$BENCH_DIR/small_uploads.mjs" --url "$MERIDIAN_URL" --token "$TOKEN" \
  --space "$SPACE" --size 4096 --concurrency "$SMALL_CONCURRENCY" --seconds "$SMALL_SECONDS" | grep '^SMALL_RESULT')"
small_json="${small_line#SMALL_RESULT }"
sm() { node -e 'const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]] ?? "")' "$small_json" "$1"; }
record files_small_per_second "$(sm per_second)"
record files_small_failed "$(sm failed)"

cat <<MD
### Files: 1 GiB transfers vs nginx, memory under parallel uploads, small uploads

\`bench/files.sh\` (FILES_SIZE_MIB=$FILES_SIZE_MIB, FILES_ROUNDS=$FILES_ROUNDS, FILES_PARALLEL=$FILES_PARALLEL), started $STARTED_AT UTC,
load average $LOAD_START at the start and $LOAD_END after the rounds: one random ${FILES_SIZE_MIB} MiB file, curl over
loopback (\`-H 'Expect:'\`), local object store, SQLite, data folders and nginx's \`client_body_temp_path\` on the
same disk. Every figure of a row comes from the same round of the same run; before each transfer
\`sync\` and 1 s of rest. Per round, in this order: meridian tus (\`POST /api/v1/uploads\`, then the
whole file in one \`PATCH\`), meridian plain upload (\`POST /api/v1/spaces/{id}/files\`), the same tus
upload to a second meridian with \`files.fsync = false\`, nginx 1.22 WebDAV \`PUT\` (\`dav_methods PUT\`, 2
workers; nginx never fsyncs), \`dd bs=4M conv=fdatasync\` of the file (what the disk takes
durably), meridian \`GET /api/v1/files/{id}/content\`, nginx \`GET\` of the same file (\`sendfile on\`). An
upload's time ends with its response (meridian: after fsync, rename and recording the file). The
file downloaded from meridian at the end had the SHA-256 of the file sent. MB = 10^6 bytes; load = 1-minute load average
at the start of the round.

| round | load | meridian tus MB/s | meridian plain MB/s | meridian tus, fsync off, MB/s | nginx PUT MB/s | dd fdatasync MB/s | meridian download MB/s | nginx download MB/s |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$(printf '%s\n' "${rows[@]}")

Mean: download **$M_GET MB/s = $(pct "$M_GET" "$N_GET") % of nginx** ($N_GET MB/s); tus upload **$M_TUS MB/s = $(pct "$M_TUS" "$N_PUT") % of
nginx PUT** ($N_PUT MB/s; $(pct "$M_TUS" "$DD") % of dd with fdatasync, $DD MB/s); plain upload $M_PLAIN MB/s = $(pct "$M_PLAIN" "$N_PUT") % of nginx PUT;
tus upload with fsync off (nginx's durability) **$M_NOSYNC MB/s = $(pct "$M_NOSYNC" "$N_PUT") % of nginx PUT**.

$FILES_PARALLEL parallel ${FILES_SIZE_MIB} MiB tus uploads (one curl PATCH each, all started together, fsyncing server, load $PAR_LOAD): $par_ok of
$FILES_PARALLEL answered 204 in $PAR_SECONDS s ($PAR_MBPS MB/s together). Server VmRSS (\`/proc/<pid>/status\`,
sampled every 0.1 s): $((RSS_BEFORE / 1024)) MiB before, peak $((RSS_PEAK / 1024)) MiB, $((RSS_AFTER / 1024)) MiB after:
**growth $RSS_GROWTH_MIB MiB**.

4 KiB uploads (\`node bench/small_uploads.mjs\`, plain upload, distinct random content, $(sm concurrency) clients
with keep-alive, $(sm seconds) s, load $SMALL_LOAD): **$(sm per_second) uploads/s**, p50 $(sm p50_ms) ms, p99 $(sm p99_ms) ms, $(sm failed) failed$( [[ "$(sm failed)" == 0 ]] || echo " (first: $(sm first_error))").

MD
