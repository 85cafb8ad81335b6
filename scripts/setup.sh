#!/usr/bin/env bash
# Installs every system package pgo needs to build, test and run its examples.
# Idempotent: packages already present are not reinstalled and apt is not touched
# when nothing is missing.
# Usage: scripts/setup.sh [--no-test-tools]
#   --no-test-tools  skip actionlint (only tests/ci needs it; scripts/demo.sh passes this)
set -euo pipefail
test_tools=1
[[ ${1:-} == --no-test-tools ]] && test_tools=0

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-22 llvm-22 llvm-22-dev libclang-rt-22-dev lld-22
  libyaml-cpp-dev libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev googletest
  valgrind ccache bolt-22
  zlib1g-dev libzstd-dev libxml2-dev libedit-dev libffi-dev libncurses-dev
  libpng-dev chromium
  python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all system packages present" >&2
fi

# actionlint for tests/ci/actionlint_test.sh, from the Go module proxy into .tools/bin/
# (a pinned version; Go is needed anyway for the Go adapter).
actionlint_version=v1.7.7
tools_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/bin"
if ((!test_tools)); then
  :
elif [[ ! -x "$tools_bin/actionlint" ]] || ! "$tools_bin/actionlint" -version | grep -qx "$actionlint_version"; then
  if command -v go >/dev/null; then
    echo "setup: installing actionlint $actionlint_version into $tools_bin" >&2
    GOBIN="$tools_bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
  else
    echo "setup: go not found; actionlint (tests/ci) is not installed" >&2
  fi
fi
