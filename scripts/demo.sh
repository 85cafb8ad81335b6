#!/usr/bin/env bash
# The main job on a fresh machine: set up, build pgo, and run `pgo build` on the bundled
# C example with GCC and Clang, printing the report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" --target pgo  # only what the demo runs, not the tests
exec "$root/build/orchestrator/pgo" build -C "$root/examples/c-cmake" --toolchain gcc --toolchain clang "$@"
