#!/usr/bin/env bash
# Sets up and runs plazo's whole test suite: installs missing Debian packages,
# builds, runs every test (unit and end-to-end) with ctest, then builds and
# runs the tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then fuzzes every input parser for a while (scripts/fuzz.sh).
# Idempotent: the second run reuses the build directories.
#   PLAZO_SKIP_SANITIZE=1  skip the sanitizer pass (quicker local runs)
#   PLAZO_SKIP_FUZZ=1      skip the fuzzing stage
#   PLAZO_FUZZ_SECONDS=N   seconds per fuzz target (default 60; 6 targets)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DPLAZO_WERROR="$werror" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error
}

echo "== build and test (RelWithDebInfo) =="
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [[ "${PLAZO_SKIP_SANITIZE:-}" != "1" ]]; then
  echo "== build and test (ASan + UBSan) =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DPLAZO_SANITIZE=ON -DPLAZO_BUILD_BENCH=OFF
fi

if [[ "${PLAZO_SKIP_FUZZ:-}" != "1" ]]; then
  echo "== fuzz (${PLAZO_FUZZ_SECONDS:-60} s per target) =="
  bash scripts/fuzz.sh "${PLAZO_FUZZ_SECONDS:-60}"
fi
echo "== all tests passed =="
