#!/usr/bin/env bash
# Runs every test suite against real components and prints one summary line.
# Expects `make build` to have run (the Makefile's `test` target does both).
#   MERIDIAN_SKIP_SANITIZE=1  skip the ASan+UBSan build of the C++ tests (local speed-up)
#   MERIDIAN_SKIP_FUZZ=1      skip the short libFuzzer run; MERIDIAN_SKIP_TSAN=1 the TSan tests
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
build="${BUILD_DIR:-build}"
passed=0
failed=0
failures=()

# A suite that hangs (a leaked socket or process keeping a runner alive) fails after its
# limit instead of eating CI's 90 minutes; timeout signals the suite's whole process group.
suite() {
  local name="$1" limit="$2"
  shift 2
  echo "=== $name"
  local start=$SECONDS
  if timeout --kill-after=30 "$limit" "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s$( ((SECONDS - start >= limit)) && echo ", stopped at its ${limit} s limit"))"
  fi
}

# C++ unit tests and the storage suite on SQLite and on a real PostgreSQL server; the
# Redis bus adapter against a real redis-server (with-redis.sh starts and stops it).
suite "C++ unit + storage (SQLite, PostgreSQL, Redis)" 900 \
  scripts/with-postgres.sh scripts/with-redis.sh ctest --test-dir "$build" --output-on-failure --timeout 300

# The real server binary on port 0, real HTTP and WebSocket clients; once per store.
export MERIDIAN_BIN="$root/$build/server/src/app/meridian"
suite "integration (SQLite)" 900 bash -c "cd server/tests/integration && npm test --silent"
# On PostgreSQL with a Redis too: multinode.test.mjs runs two nodes sharing both.
suite "integration (PostgreSQL, Redis)" 900 scripts/with-postgres.sh scripts/with-redis.sh bash -c \
  'cd server/tests/integration && MERIDIAN_TEST_DATABASE_URL="$MERIDIAN_TEST_PG_URL" MERIDIAN_SKIP_BIG_UPLOAD=1 npm test --silent'

# scripts/cluster.sh (PostgreSQL, Redis, s3rver, three nodes, nginx) under a kill -9 and a rolling restart.
suite "cluster (3 nodes behind nginx)" 600 node --test --test-timeout=300000 --test-reporter=spec server/tests/cluster/

if [[ -f web/package.json ]]; then
  suite "web unit (Vitest)" 600 bash -c "cd web && npm test --silent"
fi
if [[ -f e2e/package.json ]]; then
  suite "end-to-end (Chromium)" 1500 bash -c "cd e2e && npm test --silent"
fi

# A short libFuzzer run of every target in server/fuzz (its own clang-16 build in build-fuzz;
# scripts/fuzz.sh alone runs it, for as long as asked).
if [[ "${MERIDIAN_SKIP_FUZZ:-0}" != "1" ]]; then
  suite "fuzz (libFuzzer + ASan + UBSan, short)" 1200 scripts/fuzz.sh
fi
# The concurrency tests under ThreadSanitizer (their own build in build-tsan; scripts/tsan.sh).
if [[ "${MERIDIAN_SKIP_TSAN:-0}" != "1" ]]; then
  suite "C++ concurrency tests under TSan" 2400 scripts/with-postgres.sh scripts/with-redis.sh scripts/tsan.sh
fi

if [[ "${MERIDIAN_SKIP_SANITIZE:-0}" != "1" ]]; then
  sanitize() {
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMERIDIAN_SANITIZE=ON -DMERIDIAN_BUILD_BENCH=OFF >/dev/null &&
      cmake --build build-asan -j "$(nproc)" >/dev/null &&
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        scripts/with-postgres.sh scripts/with-redis.sh ctest --test-dir build-asan --output-on-failure --timeout 600
  }
  export -f sanitize  # timeout runs programs, not shell functions
  suite "C++ unit + storage under ASan+UBSan" 2400 bash -c sanitize
fi

echo
if ((failed)); then
  printf 'failed suites: %s\n' "${failures[*]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
