#!/usr/bin/env bash
# pgo on real open-source projects (scripts/real-projects.sh fetches them; docs/real-projects.md
# lists them): copies each into a scratch directory with its pgo.yaml from bench/real-projects/,
# runs `pgo build --metric M` there, and prints every verdict with its interval. With -j 2
# (the default) two projects build at once, so each measures under the other's load, as on a
# shared CI runner.
#
# Usage: bench/real_projects.sh [--metric time|instructions|both] [-j N] [--toolchain NAME]...
#                               [--recipe NAME]... [--keep DIR] [PROJECT...]
#   PROJECT   names with a bench/real-projects/<name>.pgo.yaml (default: all of them)
#   --recipe  build each project with each of these recipes (default: pgo), in its own copy;
#             `--recipe all` builds every recipe a toolchain takes in one pgo build (one copy)
#             and prints each recipe's geomean and per-workload figures from report.json
#   --keep    scratch directory to use and keep (default: a new temporary one, removed at the end)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pgo=${PGO:-$root/build/orchestrator/pgo}
metric=instructions
jobs=2
keep=
pgo_args=()
projects=()
recipes=()
while (($#)); do
  case $1 in
    --metric) metric=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --toolchain) pgo_args+=(--toolchain "$2"); shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --recipe) recipes+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) projects+=("$1"); shift ;;
  esac
done
[[ -x $pgo ]] || { echo "bench: $pgo not built (scripts/build.sh)" >&2; exit 2; }
if ((${#projects[@]} == 0)); then
  for f in "$root"/bench/real-projects/*.pgo.yaml; do projects+=("$(basename "$f" .pgo.yaml)"); done
fi
((${#recipes[@]})) || recipes=(pgo)
scratch=${keep:-$(mktemp -d /tmp/pgo-real-projects.XXXXXX)}
mkdir -p "$scratch"
[[ -n $keep ]] || trap 'rm -rf "$scratch"' EXIT

# Inputs a project's workloads read that are not part of it (pgo's own docs as Markdown), and
# files a project needs that its package lacks (Lua: a main.c and a Makefile).
prepare() {
  local name=$1 dir=$2
  case $name in
    pulldown-cmark) cat "$root"/README.md "$root"/docs/*.md "$root"/docs/adapters/*.md >"$dir/input.md" ;;
    libdeflate)
      for _ in $(seq 12); do cat "$root"/README.md "$root"/docs/*.md "$root"/docs/adapters/*.md; done >"$dir/input.txt"
      gzip -6 -c "$dir/input.txt" >"$dir/input.txt.gz" ;;
    lua) cp "$root"/bench/real-projects/lua/* "$dir/" ;;  # main.c, Makefile, the scripts
  esac
}

run_one() {
  local name=$1 recipe=$2 src dir
  src=$("$root/scripts/real-projects.sh" --dir "$name")
  dir="$scratch/$name-$recipe"
  rm -rf "$dir"
  cp -a "$src" "$dir"
  cp "$root/bench/real-projects/$name.pgo.yaml" "$dir/pgo.yaml"
  prepare "$name" "$dir"
  local start=$SECONDS status=0
  "$pgo" build -C "$dir" --metric "$metric" --recipe "$recipe" --json "${pgo_args[@]}" >"$scratch/$name-$recipe.json" \
    2>"$scratch/$name-$recipe.log" || status=$?
  echo "$name ($recipe): pgo build exit $status in $((SECONDS - start)) s (log $scratch/$name-$recipe.log)" >&2
}

running=0
for name in "${projects[@]}"; do
  for recipe in "${recipes[@]}"; do
    run_one "$name" "$recipe" &
    running=$((running + 1))
    if ((running >= jobs)); then wait -n || true; running=$((running - 1)); fi
  done
done
wait

printf '\n%-26s %-6s %-16s %-12s %14s %14s %9s %21s %8s %s\n' project toolchain workload metric baseline \
  optimized speedup "95% CI" "half-w" verdict
for name in "${projects[@]}"; do for recipe in "${recipes[@]}"; do
  report="$scratch/$name-$recipe.json"
  if ! jq -e .results "$report" >/dev/null 2>&1; then
    echo "$name ($recipe): no report (see $scratch/$name-$recipe.log: $(tail -1 "$scratch/$name-$recipe.log" 2>/dev/null))"
    continue
  fi
  # With several recipes (--recipe all), .results are the chosen recipe's: name it.
  jq -r --arg p "$name $recipe" '(.recipes // []) as $rs | .results[] | . as $x |
      ([$rs[] | select(.toolchain == $x.toolchain and .chosen)][0].recipe // null) as $c |
      [(if $c then "\($p) -> \($c)" else $p end), .toolchain, .workload, .metric,
      (.baseline.median // .baseline.median_s // 0), (.optimized.median // .optimized.median_s // 0),
      .speedup, .speedup_ci95[0], .speedup_ci95[1], (.ci_half_width // 0), .verdict] | @tsv' "$report" |
    while IFS=$'\t' read -r p tc w m b o s lo hi hw v; do
      printf '%-26s %-6s %-16s %-12s %14.6g %14.6g %8.4fx [%8.4f, %8.4f] %7.3f%% %s\n' "$p" "$tc" "$w" "$m" "$b" "$o" \
        "$s" "$lo" "$hi" "$(echo "$hw * 100" | bc -l)" "$v"
    done
done; done

# With several recipes in one build (`--recipe all`), report.json's "recipes" holds each one's
# geomean per metric over the shared baseline and its own results; "vs pgo" is the ratio of a
# recipe's geomean to that of plain pgo of the same toolchain and metric.
for name in "${projects[@]}"; do for recipe in "${recipes[@]}"; do
  report="$scratch/$name-$recipe.json"
  jq -e '(.recipes // []) | length > 0' "$report" >/dev/null 2>&1 || continue
  printf '\n%s (--recipe %s): recipes over one baseline\n' "$name" "$recipe"
  printf '%-6s %-16s %-12s %10s %21s %8s %s\n' toolchain recipe metric geomean "95% CI" "vs pgo" chosen
  jq -r '.recipes as $all | .recipes[] | . as $r | (.geomean_speedups | to_entries[]) |
      [$r.toolchain, $r.recipe, .key, .value.geomean_speedup, .value.ci95[0], .value.ci95[1],
       (([$all[] | select(.toolchain == $r.toolchain and .recipe == "pgo")][0].geomean_speedups[.key].geomean_speedup)
          as $p | if $p then .value.geomean_speedup / $p else 0 end),
       (if $r.chosen then "CHOSEN" else "" end)] | @tsv' "$report" |
    while IFS=$'\t' read -r tc r m g lo hi vs c; do
      printf '%-6s %-16s %-12s %9.4fx [%8.4f, %8.4f] %7.4fx %s\n' "$tc" "$r" "$m" "$g" "$lo" "$hi" "$vs" "$c"
    done
  printf '%-6s %-16s %-16s %-12s %14s %14s %9s %s\n' toolchain recipe workload metric baseline optimized speedup verdict
  jq -r '.recipes[] | . as $r | .results[] | [$r.toolchain, $r.recipe, .workload, .metric,
      (.baseline.median // .baseline.median_s // 0), (.optimized.median // .optimized.median_s // 0),
      .speedup, .verdict] | @tsv' "$report" |
    while IFS=$'\t' read -r tc r w m b o sp v; do
      printf '%-6s %-16s %-16s %-12s %14.6g %14.6g %8.4fx %s\n' "$tc" "$r" "$w" "$m" "$b" "$o" "$sp" "$v"
    done
  jq -r '.recipes[] | "\(.toolchain) \(.recipe): \(.verdict)"' "$report"
done; done
