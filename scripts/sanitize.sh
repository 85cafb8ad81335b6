#!/usr/bin/env bash
# Builds pgo and its tests with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
# (-DPGO_SANITIZE=ON; any UB report is fatal) and runs the unit tests there. A leak, a
# memory error or undefined behaviour fails the test that hit it. See docs/reliability.md.
#
# scripts/test.sh (so the CI) runs it with --e2e as its second step.
#
# Usage: scripts/sanitize.sh [--e2e] [--no-build] [extra ctest arguments]
#   --e2e       also run the end-to-end tests (label e2e) under the sanitizers
#   --no-build  use build-asan/ as it is
# Environment: PGO_ASAN_BUILD_DIR (default build-asan/), PGO_ASAN_CC/PGO_ASAN_CXX (default
# clang-22/clang++-22), PGO_ASAN_ALL_E2E=1 (also the long benchmarking e2e tests, see below),
# ASAN_OPTIONS / UBSAN_OPTIONS to override the defaults below.
# Build flags: -O1 and line tables only (ASan's recommended -O1; enough for the file:line of
# each frame in a report), assertions on. Clang, not the main build's GCC: a second compiler's
# warnings and sanitizer checks, and about 30% less compile time for the same flags
# (workloads/process.cc 24.4 s vs 34.6 s, adapters/llvm/merge.cc 20.2 s vs 29.5 s of CPU).
# A unity build (CMAKE_UNITY_BUILD): each library's files compile as a few large units, so
# the LLVM, Boost and JSON headers are parsed once per unit instead of once per file (test
# executables opt out, tests/CMakeLists.txt).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PGO_ASAN_BUILD_DIR:-$root/build-asan}
e2e=0
do_build=1
ctest_args=()
while (($#)); do
  case $1 in
    --e2e) e2e=1; shift ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ctest_args+=("$1"); shift ;;
  esac
done

if ((do_build)); then
  start=$SECONDS
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DPGO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER="${PGO_ASAN_CC:-clang-22}" -DCMAKE_CXX_COMPILER="${PGO_ASAN_CXX:-clang++-22}" \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
    -DCMAKE_UNITY_BUILD=ON \
    >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log" >&2; echo "sanitize: configure failed" >&2; exit 3; }
  ninja -C "$build" >"$build/build.log" 2>&1 ||
    { tail -n 60 "$build/build.log" >&2; echo "sanitize: build failed (log: $build/build.log)" >&2; exit 3; }
  echo "sanitize: built in $((SECONDS - start)) s ($build)"
fi

# detect_leaks: LeakSanitizer at exit; abort_on_error: a report kills the test (and leaves
# a core-style exit code the test runner cannot mistake for success).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
status=0
labels=(unit)
((e2e)) && labels+=(e2e)
# Left out under the sanitizers: the end-to-end tests that spend minutes benchmarking the
# examples (the example programs are not instrumented, only pgo is, so those minutes find
# nothing). pgo's own code on those paths (build, train, merge, bench, store, status --cost
# with clang) runs in the shorter e2e tests that stay, and scripts/test.sh's first step runs
# them all. The libdeflate test keeps its clang case (the ELF and library reading).
# Also left out: the Go tests whose minutes are Go recompiling the standard library with each
# new profile (ServiceE2e.GoServer, GoStatusRealProject.*, ExportE2e's Go build, MetricE2e's Go
# bench) and the bzip2 init test (make and gcc): the Go adapter, pprof reading and merging,
# Go status, import and services run under the sanitizers in GoStatus.* and
# ImportE2e.GoServer*, export in ExportE2e.Llvm*, init's Makefile reading and the runtime
# check in the unit tests.
e2e_exclude='EndToEnd\.CMake|RecipeE2e\..*RustCargo|RecipeE2e\.AllRecipes|CargoEndToEnd\.BuildsTrains|EndToEndGo\.GoModuleExample|CostOfAStaleProfile.*/gcc|SharedLibrary.*/gcc'
e2e_exclude+='|ServiceE2e\.GoServer|GoStatusRealProject\.|ExportE2e\.APlainGoBuild|MetricE2e\..*OnGo|InitE2eRealProject'
for label in "${labels[@]}"; do
  start=$SECONDS
  exclude=()
  [[ $label == e2e && -z ${PGO_ASAN_ALL_E2E:-} ]] && exclude=(-E "$e2e_exclude")
  if ctest --output-on-failure -j 2 -L "^$label\$" "${exclude[@]}" "${ctest_args[@]}"; then
    echo "sanitize: $label tests passed in $((SECONDS - start)) s"
  else
    echo "sanitize: $label tests FAILED ($((SECONDS - start)) s); see the output above (a sanitizer report names AddressSanitizer, LeakSanitizer or runtime error)" >&2
    status=1
  fi
done
exit $status
