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
# Environment: PGO_ASAN_BUILD_DIR (default build-asan/), CC/CXX (default: the system gcc/g++,
# like the main build), ASAN_OPTIONS / UBSAN_OPTIONS to override the defaults below.
# Build flags: -O1 -g1 (ASan's recommended -O1; line tables only, enough for the file:line
# of each frame in a report), assertions on. About half the compile time of -O2 -g.
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
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ctest_args+=("$1"); shift ;;
  esac
done

if ((do_build)); then
  start=$SECONDS
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DPGO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" >"$build/configure.log" 2>&1 ||
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
for label in "${labels[@]}"; do
  start=$SECONDS
  if ctest --output-on-failure -j 2 -L "^$label\$" "${ctest_args[@]}"; then
    echo "sanitize: $label tests passed in $((SECONDS - start)) s"
  else
    echo "sanitize: $label tests FAILED ($((SECONDS - start)) s); see the output above (a sanitizer report names AddressSanitizer, LeakSanitizer or runtime error)" >&2
    status=1
  fi
done
exit $status
