#!/usr/bin/env bash
# A/A experiment: how often does `pgo bench` report a change when there is none?
#
# Builds examples/c-cmake once with gcc (in a scratch copy), then runs TRIALS A/A benchmarks
# (`pgo bench --aa --json`: the optimized binary against itself), each with its own --seed
# and a small budget (min_runs 10, max_runs 15, time budget 15 s per workload). Every verdict
# other than no_change is a false positive. Prints the figures; asserts nothing.
#
#   bench/aa_experiment.sh [PGO_BINARY] [TRIALS]      (defaults: build/orchestrator/pgo, 40)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pgo=${1:-$root/build/orchestrator/pgo}
trials=${2:-40}
[[ -x $pgo ]] || { echo "aa_experiment: $pgo is not an executable (pass the pgo binary)" >&2; exit 2; }
pgo=$(cd "$(dirname "$pgo")" && pwd)/$(basename "$pgo")

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-aa.XXXXXX")
trap 'rm -rf "$work"' EXIT
project=$work/c-cmake
mkdir -p "$project"
(cd "$root/examples/c-cmake" && tar --exclude=./.pgo --exclude='./build*' -cf - .) | (cd "$project" && tar -xf -)
# The example's bench section replaced by a small budget.
sed -i '/^bench:/,$d' "$project/pgo.yaml"
cat >>"$project/pgo.yaml" <<'EOF'
bench:
  warmup: 1
  min_runs: 10
  max_runs: 15
  time_budget: 15s
EOF

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "building examples/c-cmake with gcc (pgo build --no-bench) ..."
"$pgo" build -C "$project" --toolchain gcc --no-bench >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }

trials_with_change=0 comparisons=0 changes=0 faster=0 slower=0 failed_trials=0
start=$SECONDS
for ((seed = 1; seed <= trials; ++seed)); do
  out=$work/trial-$seed.json
  if ! "$pgo" bench -C "$project" --toolchain gcc --aa --json --seed "$seed" >"$out" 2>"$work/trial.err"; then
    failed_trials=$((failed_trials + 1))
    echo "trial $seed: pgo bench failed: $(tail -n 1 "$work/trial.err")"
    continue
  fi
  verdicts=$(grep -o '"verdict": "[a-z_]*"' "$out" | cut -d'"' -f4 | tr '\n' ' ')
  n_faster=$(grep -c '"verdict": "faster"' "$out" || true)
  n_slower=$(grep -c '"verdict": "slower"' "$out" || true)
  n_all=$(grep -c '"verdict": ' "$out" || true)
  comparisons=$((comparisons + n_all))
  faster=$((faster + n_faster))
  slower=$((slower + n_slower))
  changes=$((changes + n_faster + n_slower))
  if ((n_faster + n_slower > 0)); then trials_with_change=$((trials_with_change + 1)); fi
  speedups=$(grep -o '"speedup": [0-9.e+-]*' "$out" | awk '{printf "%.3f ", $2}')
  echo "trial $seed: verdicts: $verdicts speedups: $speedups"
done

done_trials=$((trials - failed_trials))
echo
echo "A/A experiment: $trials trials of 3 workloads (fib, sort, mandel), gcc, examples/c-cmake"
echo "  elapsed: $((SECONDS - start)) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  failed trials: $failed_trials"
echo "  trials that reported a change: $trials_with_change of $done_trials"
echo "  workload comparisons that reported a change: $changes of $comparisons ($faster faster, $slower slower)"
if ((comparisons > 0)); then
  awk -v c="$changes" -v n="$comparisons" -v t="$trials_with_change" -v d="$done_trials" \
    'BEGIN { printf "  false-positive rate: %.1f %% per comparison, %.1f %% per trial\n", 100 * c / n, 100 * t / d }'
fi
