#!/usr/bin/env bash
# Builds the libFuzzer targets (server/fuzz, clang-16 with ASan + UBSan) and runs them.
#   scripts/fuzz.sh                      every target for MERIDIAN_FUZZ_SECONDS (default 8) each: the short
#                                        run `make test` does
#   scripts/fuzz.sh 3600 http_request_fuzz ws_envelope_fuzz
#                                        the named targets for an hour each (a long run; `make fuzz`)
# The committed seeds (server/fuzz/corpus/<target>) are read, never written: what a run finds
# goes to build-fuzz/corpus/<target>, and is kept there for the next run. A crash, a leak, a
# UBSan report or a failed property stops the target, leaves the input in
# build-fuzz/artifacts/<target>/ and fails the run: reproduce it with
#   build-fuzz/server/fuzz/<target> build-fuzz/artifacts/<target>/crash-...
# The short run uses a fixed seed (MERIDIAN_FUZZ_SEED, default 1), so a red `make test` is
# reproducible and does not depend on luck; a run given seconds uses a random seed. A
# crash found by a long run becomes a committed seed in server/fuzz/corpus/<target>.
set -uo pipefail
seed="${MERIDIAN_FUZZ_SEED:-1}"
(($# > 0)) && seed="${MERIDIAN_FUZZ_SEED:-0}"  # 0: libFuzzer picks one
cd "$(dirname "$0")/.."
build="${FUZZ_BUILD_DIR:-build-fuzz}"
seconds="${1:-${MERIDIAN_FUZZ_SECONDS:-8}}"
shift $(($# > 0 ? 1 : 0))
targets=("$@")
if ((${#targets[@]} == 0)); then
  for dir in server/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

cxx="${FUZZ_CXX:-clang++-16}"
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (scripts/install-deps.sh --test installs clang-16 and libfuzzer-16-dev)" >&2
  exit 1
fi
export CCACHE_BASEDIR="$PWD"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMERIDIAN_FUZZ=ON -DMERIDIAN_BUILD_TESTS=OFF -DMERIDIAN_BUILD_BENCH=OFF >/dev/null || exit 1
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" >"$build/fuzz-build.log" 2>&1 || {
  tail -n 40 "$build/fuzz-build.log"
  exit 1
}

failed=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t/" log="$build/$t.log"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f "server/fuzz/dict/$t.dict" ]] && dict=("-dict=server/fuzz/dict/$t.dict")
  start=$SECONDS
  if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$build/server/fuzz/$t" "${dict[@]}" \
    -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" "server/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "fuzz: $t ok (${runs:-?} inputs in $((SECONDS - start)) s, corpus $(ls "$corpus" | wc -l))"
  else
    failed+=("$t")
    echo "fuzz: $t FAILED; input kept in $artifacts"
    grep -v '^#' "$log" | tail -n 60
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
