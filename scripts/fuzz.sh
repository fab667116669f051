#!/usr/bin/env bash
# Builds plazo's libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# build-fuzz/ and runs each for SECONDS (default 60), one after the other,
# starting from its seed corpus (fuzz/corpus/<target>/) copied into a work
# corpus under build-fuzz/fuzz-work/<target>/, which later runs keep
# growing. Fails when any target crashes, leaks, hangs, runs out of memory
# or trips a sanitizer; the input that did it is saved beside the work
# corpus, with the command that replays it. Installs the Debian packages it
# is missing first (scripts/setup.sh --fuzz).
#   scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 600 matrix
#   PLAZO_FUZZ_TIMEOUT=S   one input taking longer is a hang (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
all_targets=(matrix matrix_formats config http_handler http_request templates)
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz: SECONDS must be a positive number, got '$seconds'" >&2
  exit 64
fi

bash scripts/setup.sh --fuzz

dir=build-fuzz
jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DPLAZO_FUZZ=ON -DPLAZO_BUILD_TESTS=OFF \
  -DPLAZO_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLAZO_WERROR="$werror" >/dev/null
nice -n 19 cmake --build "$dir" --target fuzzers -j "$jobs"

# Leaks are reported at the end of each input; every UB report aborts (the
# libraries are built with -fno-sanitize-recover), so each is a crash.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [[ -x /usr/bin/llvm-symbolizer-14 ]]; then
  export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
fi

work_root=$dir/fuzz-work
mkdir -p "$work_root"
summary=$work_root/summary.tsv
printf 'target\tseconds\texecs\texecs_per_s\tcorpus_files\tcoverage\tpeak_rss_mb\tresult\n' >"$summary"
failed=()

for target in "${targets[@]}"; do
  binary=$dir/fuzz/fuzz_$target
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: no target '$target' (targets: ${all_targets[*]})" >&2
    exit 64
  fi
  work=$work_root/$target
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"  # seeds keep their names: an edited one replaces its copy
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout="${PLAZO_FUZZ_TIMEOUT:-30}"
    -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [[ -f fuzz/dict/$target.dict ]] && options+=("-dict=fuzz/dict/$target.dict")

  echo "== fuzz $target (${seconds} s) =="
  before=$(find "$work/artifacts" -type f | wc -l)
  status=0
  nice -n 19 "$binary" "${options[@]}" "$work/corpus" >"$work/fuzz.log" 2>&1 || status=$?
  after=$(find "$work/artifacts" -type f | wc -l)

  final_stat() { sed -n "s/^stat::$1: *//p" "$work/fuzz.log" | tail -1; }
  execs=$(final_stat number_of_executed_units)
  rate=$(final_stat average_exec_per_sec)
  rss=$(final_stat peak_rss_mb)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/fuzz.log" | tail -1 || true)
  files=$(find "$work/corpus" -type f | wc -l)
  result=ok
  # A sanitizer report with exit status 0 would mean a report that did not
  # abort; count it all the same.
  if ((status != 0)) || ((after > before)) ||
    grep -qE '^(==[0-9]+==ERROR|SUMMARY: (Address|Undefined|Leak)Sanitizer)|runtime error:' \
      "$work/fuzz.log"; then
    result=FAILED
    failed+=("$target")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "${execs:-?}" "${rate:-?}" \
    "$files" "${coverage:-?}" "${rss:-?}" "$result" >>"$summary"
  echo "$target: ${execs:-?} inputs (${rate:-?}/s), corpus $files files, ${coverage:-?}: $result"
  if [[ $result == FAILED ]]; then
    grep -E -m 20 'ERROR|SUMMARY|runtime error|contract broken|Test unit written|ALARM' \
      "$work/fuzz.log" || true
    echo "fuzz: $target failed; log $work/fuzz.log; replay an input with: $binary ARTIFACT"
  fi
done

echo
column -t -s $'\t' "$summary" 2>/dev/null || cat "$summary"
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== fuzz: no findings =="
