#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up, build, and run every test through CTest:
# unit tests (label "unit") and end-to-end tests against the real toolchains (label "e2e").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j 2 "$@"
