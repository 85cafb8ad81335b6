#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang-22 in build-fuzz/ and runs each for a
# bounded time on a fresh copy of its seed corpus, after replaying the saved reproducers of
# tests/fuzz/crashes/<target>/. Fails if any input crashes, hangs, leaks, trips a sanitizer
# or makes a reader throw something other than pgo::Error. See docs/reliability.md.
#
# Usage: scripts/fuzz.sh [--time SECONDS] [--regress] [--no-build] [target...]
#   --time S    fuzzing time per target (default $PGO_FUZZ_TIME, else 20)
#   --regress   only replay the seeds and reproducers, no fuzzing
#   --no-build  use the fuzzers already built
#   target      config, gcda, gcno, cmake_reply, raw_header (default: all)
# Environment: PGO_FUZZ_TIME, PGO_FUZZ_BUILD_DIR (default build-fuzz/), PGO_FUZZ_ARGS
# (extra libFuzzer flags, e.g. "-jobs=2 -workers=2").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PGO_FUZZ_BUILD_DIR:-$root/build-fuzz}
fuzz_dir=$root/tests/fuzz
seconds=${PGO_FUZZ_TIME:-20}
regress_only=0
do_build=1
targets=()
all_targets=(config gcda gcno cmake_reply raw_header pprof)

while (($#)); do
  case $1 in
    --time) seconds=$2; shift 2 ;;
    --time=*) seconds=${1#--time=}; shift ;;
    --regress) regress_only=1; shift ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *)
      if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
        echo "fuzz: unknown target '$1' (targets: ${all_targets[*]})" >&2; exit 2
      fi
      targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz: --time needs a positive number of seconds" >&2; exit 2; }

mkdir -p "$build"
# One fuzz.sh per build directory at a time (CTest and a developer may both start one).
exec 9>"$build/.fuzz.lock"
if ! flock -n 9; then
  echo "fuzz: waiting for another scripts/fuzz.sh using $build" >&2
  flock 9
fi

if ((do_build)); then
  for tool in clang-22 clang++-22; do
    command -v "$tool" >/dev/null || { echo "fuzz: $tool not found; run scripts/setup.sh" >&2; exit 3; }
  done
  start=$SECONDS
  # Debug keeps assertions on (nlohmann::json's included); -O1 as libFuzzer recommends; line
  # tables are enough for the file:line of a crash report.
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DPGO_FUZZ=ON -DPGO_BUILD_TESTS=OFF >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log" >&2; echo "fuzz: configure failed" >&2; exit 3; }
  ninja -C "$build" $(printf 'fuzz_%s ' "${targets[@]}") >"$build/build.log" 2>&1 ||
    { tail -n 60 "$build/build.log" >&2; echo "fuzz: build failed (log: $build/build.log)" >&2; exit 3; }
  echo "fuzz: built ${targets[*]} in $((SECONDS - start)) s ($build)"
fi

# Sanitizer reports end the process, so that libFuzzer saves the input that caused them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024)
read -r -a extra <<<"${PGO_FUZZ_ARGS:-}"

failed=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz: $bin is missing (build it or drop --no-build)" >&2; exit 3; }
  run=$build/fuzz-runs/$t
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp -r "$fuzz_dir/corpus/$t/." "$run/corpus/"
  dict=()
  if [[ -f $fuzz_dir/dict/$t.dict ]]; then dict=(-dict="$fuzz_dir/dict/$t.dict"); fi
  log=$run/fuzz.log
  status=ok

  # 1. Replay the reproducers of bugs found before (and, with --regress, every seed).
  replay=()
  if [[ -d $fuzz_dir/crashes/$t ]]; then
    while IFS= read -r -d '' f; do replay+=("$f"); done \
      < <(find "$fuzz_dir/crashes/$t" -type f ! -name '*.md' -print0 | sort -z)
  fi
  if ((regress_only)); then
    while IFS= read -r -d '' f; do replay+=("$f"); done < <(find "$run/corpus" -type f -print0 | sort -z)
  fi
  bad=0
  for f in "${replay[@]}"; do
    if ! timeout -k 10 120 "$bin" "${common[@]}" "$f" >"$run/replay.log" 2>&1; then
      echo "fuzz: $t: saved input $f still fails:" >&2
      grep -E '^(==[0-9]+==( ERROR|ERROR)|SUMMARY|fuzz:)' "$run/replay.log" | head -n 4 | sed 's/^/    /' >&2 || true
      cp "$run/replay.log" "$run/replay-$(basename "$f").log"
      bad=$((bad + 1))
    fi
  done
  if ((bad)); then status="FAILED on $bad of ${#replay[@]} saved inputs (logs: $run/replay-*.log)"; fi

  # 2. Fuzz for a bounded time.
  if ((! regress_only)) && [[ $status == ok ]]; then
    start=$SECONDS
    if ! timeout -k 10 $((seconds + 300)) "$bin" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 -use_value_profile=1 "${dict[@]}" "${extra[@]}" \
        -artifact_prefix="$run/artifacts/" "$run/corpus" >"$log" 2>&1; then
      status="FAILED (log: $log)"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz:|artifact_prefix|Test unit written)' "$log" | tail -n 8 >&2 || true
      for a in "$run/artifacts"/*; do
        if [[ -f $a ]]; then echo "fuzz: reproduce with: $bin $a; keep it with: cp $a $fuzz_dir/crashes/$t/" >&2; fi
      done
    else
      execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
      if [[ -z $execs ]]; then execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#'); fi
      cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 || true)
      status="ok: ${execs:-?} runs in $((SECONDS - start)) s, ${cov:-cov: ?}, corpus $(find "$run/corpus" -type f | wc -l) inputs"
    fi
  elif [[ $status == ok ]]; then
    status="ok: replayed ${#replay[@]} inputs"
  fi
  echo "fuzz: $t: $status"
  [[ $status == ok* ]] || failed+=("$t")
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all passed"
