#!/usr/bin/env bash
# The whole test suite on a fresh machine (the CI runs it through .ci/run):
#   1. set up, build build/, and run every CTest test there: unit tests (label "unit"),
#      end-to-end tests against the real toolchains (label "e2e") and fuzz_smoke (label
#      "fuzz": a clang build of the libFuzzer targets in build-fuzz/, replay of the saved
#      reproducers, then 20 s of fuzzing per target);
#   2. the sanitizer step: scripts/sanitize.sh --e2e, i.e. build-asan/ with AddressSanitizer
#      and UndefinedBehaviorSanitizer, and the unit and end-to-end tests again under them.
# Fails if either step fails; both always run. See docs/reliability.md for the times.
#
# Usage: scripts/test.sh [--no-sanitize] [ctest arguments...]
#   --no-sanitize  skip step 2 (e.g. scripts/test.sh --no-sanitize -LE fuzz for a quick run)
#   ctest arguments apply to step 1 only (-R, -L, -LE, ...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=1
ctest_args=()
for arg in "$@"; do
  case $arg in
    --no-sanitize) sanitize=0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ctest_args+=("$arg") ;;
  esac
done

"$root/scripts/build.sh"
"$root/scripts/real-projects.sh" libdeflate btree btree-old bzip2 >/dev/null  # the e2e tests' real projects (docs/real-projects.md)
status=0
start=$SECONDS
(cd "$root/build" && ctest --output-on-failure -j 2 "${ctest_args[@]}") || status=1
echo "test: ctest in build/ $( ((status)) && echo FAILED || echo passed) in $((SECONDS - start)) s"
if ((sanitize)); then
  start=$SECONDS
  "$root/scripts/sanitize.sh" --e2e || status=1
  echo "test: sanitizer step took $((SECONDS - start)) s"
fi
exit $status
