#!/usr/bin/env bash
# Installs what is missing, then configures and builds pgo and its tests in build/.
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja "$@" >/dev/null
ninja -C "$root/build"
