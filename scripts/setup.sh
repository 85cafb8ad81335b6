#!/usr/bin/env bash
# Installs every system package pgo needs to build, test and run its examples.
# Idempotent: packages already present are not reinstalled and apt is not touched
# when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-22 llvm-22 llvm-22-dev libclang-rt-22-dev lld-22
  libyaml-cpp-dev libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev googletest
  valgrind
  zlib1g-dev libzstd-dev libxml2-dev libedit-dev libffi-dev libncurses-dev
  libpng-dev chromium
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
