#!/usr/bin/env bash
# The structure check of examples/ci/gitlab/.gitlab-ci.yml, and of broken copies (a job in an
# unknown stage, a need of a missing job, parallel out of step with PGO_SHARDS), which must fail.
#   gitlab_ci_test.sh PGO_SOURCE_DIR
set -euo pipefail
src=$1
file=$src/examples/ci/gitlab/.gitlab-ci.yml
check=$src/tests/ci/check_gitlab_ci.py
python3 "$check" "$file"
tmp=$(mktemp -d /tmp/pgo-gitlab-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
expect_fail() {
  sed -e "$1" "$file" > "$tmp/ci.yml"
  if python3 "$check" "$tmp/ci.yml" > "$tmp/out" 2>&1; then echo "FAIL: accepted after '$1'" >&2; exit 1; fi
  grep -q "$2" "$tmp/out" || { cat "$tmp/out"; echo "FAIL: '$1' did not report '$2'" >&2; exit 1; }
}
expect_fail 's/^  stage: refresh$/  stage: deploy/' "is not in stages"
expect_fail 's/needs: \[pgo-status, pgo-train\]/needs: [pgo-status, pgo-trian]/' "needs unknown job pgo-trian"
expect_fail 's/^  parallel: 2$/  parallel: 3/' "differs from PGO_SHARDS"
expect_fail 's/^  script:$/  scripts:/' "script must be"
expect_fail 's/CI_PIPELINE_SOURCE == "schedule"/CI_PIPELINE_SOURCE == "push"/' "no rule runs it on a schedule"
expect_fail 's/^stages: .*/stages: [/' "not YAML"
echo PASS
