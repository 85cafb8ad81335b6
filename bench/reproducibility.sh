#!/usr/bin/env bash
# Reproducibility: do two independent `pgo bench` runs of the same binaries agree?
#
# For each bundled example (examples/c-cmake, examples/cpp-cmake) in a scratch copy: one
# `pgo build --no-bench` with gcc and clang, then two `pgo bench --json` runs with different
# seeds (so different run orders and bootstrap draws). For every toolchain/workload it prints
# both speedups with their 95% intervals and whether the intervals overlap, and per example
# the median CI half-width reached and why the runs stopped. Prints the figures and the load
# average; asserts nothing (exit 0 unless pgo itself fails).
#
# By default the examples' own `bench:` sections are removed, so the runs use pgo's default
# budget (warm-up 1, min_runs 10, max_runs 30, 60 s per workload, target CI half-width 1%);
# --example-budget keeps them.
#
#   bench/reproducibility.sh [PGO_BINARY] [--example-budget]   (default: build/orchestrator/pgo)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pgo=$root/build/orchestrator/pgo
keep_budget=0
for arg in "$@"; do
  case $arg in
    --example-budget) keep_budget=1 ;;
    -*) echo "reproducibility: unknown option $arg" >&2; exit 2 ;;
    *) pgo=$arg ;;
  esac
done
[[ -x $pgo ]] || { echo "reproducibility: $pgo is not an executable (pass the pgo binary)" >&2; exit 2; }
pgo=$(cd "$(dirname "$pgo")" && pwd)/$(basename "$pgo")
command -v python3 >/dev/null || { echo "reproducibility: needs python3 to read report.json" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "budget: $([[ $keep_budget == 1 ]] && echo "the examples' bench: sections" || echo "pgo defaults")"
start=$SECONDS
for example in c-cmake cpp-cmake; do
  project=$work/$example
  mkdir -p "$project"
  (cd "$root/examples/$example" && tar --exclude=./.pgo --exclude='./build*' -cf - .) | (cd "$project" && tar -xf -)
  [[ $keep_budget == 1 ]] || sed -i '/^bench:/,$d' "$project/pgo.yaml"
  echo
  echo "== examples/$example: pgo build --no-bench (gcc, clang) ..."
  "$pgo" build -C "$project" --no-bench >"$work/$example-build.log" 2>&1 ||
    { cat "$work/$example-build.log" >&2; exit 1; }
  for run in 1 2; do
    echo "   pgo bench run $run (--seed $run), load average $(cut -d' ' -f1 /proc/loadavg) ..."
    t0=$SECONDS
    "$pgo" bench -C "$project" --json --seed "$run" >"$work/$example-$run.json" 2>"$work/$example-$run.err" ||
      { tail -n 20 "$work/$example-$run.err" >&2; exit 1; }
    echo "   ... $((SECONDS - t0)) s"
  done
  python3 - "$example" "$work/$example-1.json" "$work/$example-2.json" <<'EOF'
import json, statistics, sys

example, first, second = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
def key(r): return (r["toolchain"], r["workload"])
b = {key(r): r for r in second["results"]}
def iv(r): return "%.3fx [%.3f, %.3f] ±%.1f%% %s %s (%d runs)" % (
    r["speedup"], r["speedup_ci95"][0], r["speedup_ci95"][1], 100 * r["ci_half_width"],
    r["verdict"], r["stop_reason"], r["runs"])
overlaps, total, widths = 0, 0, []
print("   %-7s %-9s %-48s %-48s %s" % ("tc", "workload", "run 1", "run 2", "overlap"))
for r1 in first["results"]:
    r2 = b.get(key(r1))
    if r2 is None or r1["failed"] or r2["failed"]:
        print("   %-7s %-9s failed or missing" % key(r1)); continue
    lo1, hi1 = r1["speedup_ci95"]; lo2, hi2 = r2["speedup_ci95"]
    ok = max(lo1, lo2) <= min(hi1, hi2)
    overlaps += ok; total += 1
    widths += [r1["ci_half_width"], r2["ci_half_width"]]
    print("   %-7s %-9s %-48s %-48s %s" % (r1["toolchain"], r1["workload"], iv(r1), iv(r2), "yes" if ok else "NO"))
print("   %s: intervals overlap in %d of %d; median CI half-width reached %.2f%% (of %d results)"
      % (example, overlaps, total, 100 * statistics.median(widths) if widths else float("nan"), len(widths)))
EOF
done
echo
echo "elapsed: $((SECONDS - start)) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
