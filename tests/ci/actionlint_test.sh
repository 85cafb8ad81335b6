#!/usr/bin/env bash
# actionlint on the shipped GitHub Actions workflow; then, to prove the check can fail, on a
# copy with a broken expression and an unknown job in `needs`, which must be rejected.
#   actionlint_test.sh PGO_SOURCE_DIR
set -euo pipefail
src=$1
lint=$src/.tools/bin/actionlint
[ -x "$lint" ] || lint=$(command -v actionlint || true)
[ -n "$lint" ] || { echo "FAIL: actionlint is not installed (scripts/setup.sh installs it into .tools/bin)" >&2; exit 1; }
"$lint" -no-color "$src/examples/ci/github/pgo-nightly.yml"
broken=$(mktemp /tmp/pgo-actionlint.XXXXXX.yml)
trap 'rm -f "$broken"' EXIT
sed -e 's/needs: status$/needs: statuz/' -e 's/needs.status.outputs.stale/needs.status.outputz.stale/' \
  "$src/examples/ci/github/pgo-nightly.yml" > "$broken"
if "$lint" -no-color "$broken" > /dev/null 2>&1; then echo "FAIL: actionlint accepted a broken workflow" >&2; exit 1; fi
echo PASS
