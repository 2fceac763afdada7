#!/usr/bin/env bash
# Builds the tests of the code that shares state between threads with ThreadSanitizer and
# runs them (on SQLite, and on PostgreSQL / Redis when the caller started them, as
# scripts/run-tests.sh does): storage (both adapters, the conformance suite), the in-process
# bus, chat's ordered stream, presence, the server, the meetings rooms (joined and left from
# many threads at once). Only these targets are built, in build-tsan. meetings_test needs most
# of the module tree built with TSan (about 65 more units): with ccache warm (CI's case: the
# cache is keyed on paths relative to the checkout) it adds about 2 minutes, 30 s of build and
# 65-90 s of run on the loaded 2-core machine; a cold build of those units takes about 12.
#   scripts/tsan.sh              build and run the default set
#   scripts/tsan.sh meetings_test presence_test    only these
set -uo pipefail
cd "$(dirname "$0")/.."
build="${TSAN_BUILD_DIR:-build-tsan}"
tests=("$@")
((${#tests[@]})) || tests=(sqlite_database_test postgres_database_test database_conformance_test bus_test
  chat_stream_test presence_test net_test meetings_test)

export CCACHE_BASEDIR="$PWD"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMERIDIAN_TSAN=ON -DMERIDIAN_BUILD_BENCH=OFF \
  >/dev/null || exit 1
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${tests[@]}" >"$build/tsan-build.log" 2>&1 || {
  tail -n 40 "$build/tsan-build.log"
  exit 1
}
# halt_on_error: the first race fails the test with its two stacks; second_deadlock_stack
# names both lock orders of a potential deadlock.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
ctest --test-dir "$build" --output-on-failure --timeout 600 -R "$regex"
