#!/usr/bin/env bash
# Installs what is missing, then configures and builds pgo and its tests in build/.
# Usage: scripts/build.sh [--target TARGET]... [extra cmake -D options]
#   --target  build only these ninja targets (scripts/demo.sh builds just `pgo`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=()
cmake_args=()
while (($#)); do
  case $1 in
    --target) targets+=("$2"); shift 2 ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja "${cmake_args[@]}" >/dev/null
ninja -C "$root/build" "${targets[@]}"
