#!/usr/bin/env bash
# Runs the run-steps of examples/ci/github/pgo-nightly.yml locally (run_workflow_locally.py)
# against a git copy of examples/c-cmake (clang only, a short benchmark), with the pgo just
# built. First night: no stored profile, so `pgo status` says stale, two shards train, the
# refresh job merges them, gates with `pgo ci` and commits the profiles on a branch.
# Second night, nothing changed: status says fresh and the train and refresh jobs are skipped.
#   workflow_local_test.sh PGO_SOURCE_DIR PGO_BINARY
set -euo pipefail
src=$1
pgo=$2
work=$(mktemp -d /tmp/pgo-workflow-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$src/examples/c-cmake" "$work/project"
rm -rf "$work/project/.pgo" "$work/project"/build*
cd "$work/project"
python3 - <<'PY'
import re
text = open("pgo.yaml").read()
text = text.replace("toolchains: [gcc, clang]", "toolchains: [clang]")
text = text.replace("    compare_output: true\n  - name: mandel", "    compare_output: true\n    bench: false\n  - name: mandel")
text = re.sub(r"    compare_output: true\nbench:.*", "    compare_output: true\n    bench: false\nbench:\n  warmup: 0\n  min_runs: 3\n  max_runs: 4\n  time_budget: 20s\n", text, flags=re.S)
open("pgo.yaml", "w").write(text)
PY
git init -q -b main .
git -c user.name=t -c user.email=t@example.invalid add -A
git -c user.name=t -c user.email=t@example.invalid commit -qm "project"

run() {
  python3 "$src/examples/ci/run_workflow_locally.py" "$src/examples/ci/github/pgo-nightly.yml" \
    --workdir "$work/project" --env "PGO_PREBUILT=$(dirname "$pgo")" --env PGO_PUBLISH=none \
    --env PGO_FAIL_BELOW=0.5 --event schedule
}

echo "== night 1" >&2
run > "$work/night1.log" 2>&1 || { cat "$work/night1.log"; fail "the first night failed"; }
cat "$work/night1.log"
grep -q "== job train {'shard': 1}" "$work/night1.log" || fail "shard 1 did not train"
grep -q "== job train {'shard': 2}" "$work/night1.log" || fail "shard 2 did not train"
grep -q "== job refresh" "$work/night1.log" || fail "the refresh job did not run"
grep -q "gate failed" "$work/night1.log" && fail "a gate failed"
summaries=$(sed -n 's/^== workflow finished; step summaries in //p' "$work/night1.log")
grep -q "pgo status: stale=true" "$summaries" || fail "the status step summary is missing"
grep -q "pgo ci gates" "$summaries" || fail "pgo ci did not write the step summary"
branch=$(git branch --list 'pgo/refresh-profiles-*' | tr -d ' *')
[ -n "$branch" ] || fail "no refresh branch was committed"
git show --stat "$branch" | grep -q ".pgo/profiles/calc/clang.profdata" || fail "the commit lacks the profile"
git show --stat "$branch" | grep -q ".pgo/reports/latest/report.json" || fail "the commit lacks the report"
python3 -c "import json,sys; r=json.load(open('.pgo/reports/latest/report.json')); \
sys.exit(0 if r['profiles'][0]['profile']['source'] in ('stored','shards') else 1)" || fail "the report is not from the shards"

echo "== night 2 (nothing changed)" >&2
git checkout -q "$branch"   # the merged pull request
run > "$work/night2.log" 2>&1 || { cat "$work/night2.log"; fail "the second night failed"; }
cat "$work/night2.log"
grep -q "== job train: skipped" "$work/night2.log" || fail "a fresh profile was retrained"
grep -q "== job refresh: skipped" "$work/night2.log" || fail "the refresh job ran for a fresh profile"
echo "PASS"
