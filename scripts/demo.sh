#!/usr/bin/env bash
# The main job on a fresh machine: set up, build pgo, and run `pgo build` on the bundled
# C example with GCC and Clang, printing the report.
#
# pgo is built in build-demo/, not build/ (scripts/build.sh and scripts/test.sh keep theirs),
# the cheapest way that still gives a working pgo, because compiling pgo is nearly all of the
# first run's time (~140 files under the LLVM, Boost.Process, JSON and CLI11 headers):
#   - clang-22 (installed anyway; ~30% less compile time than GCC, see scripts/sanitize.sh),
#   - a unity build (each library's files compiled as a few large units, so the heavy
#     headers are parsed once per unit; scripts/sanitize.sh builds the same way),
#   - -O1 without debug information (pgo's own speed does not show in the demo: the
#     compilers, the training and the benchmarks take its time),
#   - no tests (PGO_BUILD_TESTS=OFF) and only the `pgo` target (with the preload library
#     pgo_exit_on_signal it depends on, for service workloads).
# -Wno-deprecated-declarations: clang-22 reports libstdc++ 12's own use of the deprecated
# std::get_temporary_buffer inside std::stable_sort, ~40 screens of notes a newcomer need not read.
# Measured figures: README.md ("The two commands").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-demo
"$root/scripts/setup.sh" --no-test-tools
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGO_BUILD_TESTS=OFF -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG -Wno-deprecated-declarations" >/dev/null
ninja -C "$build" pgo
exec "$build/orchestrator/pgo" build -C "$root/examples/c-cmake" --toolchain gcc --toolchain clang "$@"
