#!/usr/bin/env bash
# Fetches the real open-source projects that pgo's tests and bench/ scripts try pgo on,
# from the package registries (crates.io, the Go module proxy, PyPI) with their ordinary
# clients, into a cache outside the repository; nothing of theirs is committed here.
# docs/real-projects.md lists them, their versions and what each one exercises.
#
# Usage: scripts/real-projects.sh [NAME...]   fetch the named projects (default: all), print
#                                             "NAME DIR" for each
#        scripts/real-projects.sh --dir NAME  print the cached directory of NAME (fetching it)
# The cache is $PGO_REAL_PROJECTS (default ~/.cache/pgo/real-projects); a project already
# there is not fetched again. Each directory is read-only by convention: tests copy it.
set -euo pipefail
cache=${PGO_REAL_PROJECTS:-$HOME/.cache/pgo/real-projects}
mkdir -p "$cache"

# fetch_crate NAME VERSION DEST: the .crate's sources as Cargo unpacks them.
fetch_crate() {
  local name=$1 version=$2 dest=$3 tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/src" && : >"$tmp/src/lib.rs"
  printf '[package]\nname = "pgo-fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
    "$name" "$version" >"$tmp/Cargo.toml"
  (cd "$tmp" && cargo fetch --quiet)
  local src
  src=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 2 -type d -name "$name-$version" | head -1)
  [[ -n $src ]] || { echo "real-projects: cargo fetch found no $name-$version" >&2; rm -rf "$tmp"; return 1; }
  cp -a "$src" "$dest.partial"
  rm -rf "$tmp"
}

# fetch_go_module PATH VERSION DEST: a module's sources from the Go module proxy.
fetch_go_module() {
  local module=$1 version=$2 dest=$3 dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir ]] || { echo "real-projects: go mod download gave no directory for $module@$version" >&2; return 1; }
  cp -a "$dir" "$dest.partial"
  chmod -R u+w "$dest.partial"  # the module cache is read-only
}

# fetch_sdist NAME VERSION SUBDIR DEST: a PyPI source distribution, unpacked; SUBDIR is the
# folder of the archive to keep ("" for the whole archive).
fetch_sdist() {
  local name=$1 version=$2 subdir=$3 dest=$4 tmp archive
  tmp=$(mktemp -d)
  pip download --quiet --no-deps --no-binary :all: --no-build-isolation "$name==$version" -d "$tmp" >/dev/null
  archive=$(find "$tmp" -maxdepth 1 -name '*.tar.gz' | head -1)
  [[ -n $archive ]] || { echo "real-projects: no sdist for $name==$version" >&2; rm -rf "$tmp"; return 1; }
  tar -xzf "$archive" -C "$tmp"
  local top
  top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
  cp -a "$top/$subdir" "$dest.partial"
  rm -rf "$tmp"
}

# The projects: NAME -> "kind source version [subdir]". Keep CI's share small (a few
# minutes in all); big ones are for bench/ scripts only.
declare -A projects=(
  [bzip2]="crate bzip2-sys 0.1.13+1.0.8 bzip2-1.0.8"
  # Rust: a CommonMark parser with a command-line renderer (bin pulldown-cmark).
  [pulldown-cmark]="crate pulldown-cmark 0.13.6"
  [libdeflate]="crate libdeflate-sys 1.26.1 libdeflate"
  # C: the Lua 5.4 interpreter's library sources (the crate has no lua.c or Makefile;
  # bench/real-projects/lua/ brings a main.c and a Makefile).
  [lua]="crate lua-src 551.1.0 lua-5.4.9"
  # Go: a generics- and closure-heavy module (its tests are the workload), and an older
  # release of it that a program depending on it is downgraded to (dependency drift).
  [btree]="go github.com/tidwall/btree v1.8.2"
  [btree-old]="go github.com/tidwall/btree v1.7.0"
)

fetch() {
  local name=$1 spec kind source version subdir dest
  spec=${projects[$name]:-}
  [[ -n $spec ]] || { echo "real-projects: unknown project '$name' (known: ${!projects[*]})" >&2; return 2; }
  read -r kind source version subdir <<<"$spec"
  dest="$cache/$name-$version"
  if [[ ! -d $dest ]]; then
    rm -rf "$dest.partial"
    echo "real-projects: fetching $name $version ($kind $source)" >&2
    case $kind in
      crate)
        fetch_crate "$source" "$version" "$dest"
        if [[ -n $subdir ]]; then  # keep only the C project inside the crate
          rm -rf "$dest.whole" && mv "$dest.partial" "$dest.whole"
          mv "$dest.whole/$subdir" "$dest.partial" && rm -rf "$dest.whole"
        fi ;;
      go) fetch_go_module "$source" "$version" "$dest" ;;
      sdist) fetch_sdist "$source" "$version" "$subdir" "$dest" ;;
      *) echo "real-projects: bad kind '$kind' for $name" >&2; return 2 ;;
    esac
    mv "$dest.partial" "$dest"  # complete, or not there at all
  fi
  echo "$name $dest"
}

if [[ ${1:-} == --dir ]]; then
  fetch "$2" | cut -d' ' -f2-
  exit 0
fi
names=("$@")
((${#names[@]})) || names=("${!projects[@]}")
for n in "${names[@]}"; do fetch "$n"; done
