#!/usr/bin/env bash
# Loading a large pgo.yaml (issue 15 item 4: 1 MB took ~6 s, 4 MB over 100 s before loading
# was made linear). For each size it writes a pgo.yaml of that many bytes in two shapes —
# many workloads, and one workload with a huge `env:` map — whose last entry is invalid, so
# that `pgo status` parses and checks everything and then stops with exit 2 before doing
# anything else; it prints the wall time and the peak memory. Then a file over the size
# limit and /dev/zero, which must be refused at once. Prints figures; asserts nothing.
#
#   bench/config_load.sh [PGO_BINARY] [SIZES_IN_MB...]   (defaults: build/orchestrator/pgo, 1 4 16)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pgo=$root/build/orchestrator/pgo
if [[ $# -gt 0 && -x $1 && ! $1 =~ ^[0-9]+$ ]]; then pgo=$1; shift; fi
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1 4 16)
[[ -x $pgo ]] || { echo "config_load: $pgo is not an executable (pass the pgo binary)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "config_load: needs python3 to write the files" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

write_config() {  # shape bytes file
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
shape, size, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n"
parts, total, i = [head], len(head), 0
if shape == "workloads":
    while total < size:
        w = f'  - name: w{i}\n    run: ["${{bin:calc}}", "input-{i}.txt", "32"]\n    weight: 1.0\n'
        parts.append(w); total += len(w); i += 1
    parts.append("  - name: last\n    run: [x]\n    repeat: not-a-number\n")
else:
    parts.append("  - name: env\n    run: [x]\n    env:\n")
    while total < size:
        e = f"      VARIABLE_{i}: value-{i}\n"
        parts.append(e); total += len(e); i += 1
    parts.append("    repeat: not-a-number\n")
open(path, "w").write("".join(parts))
EOF
}

measure() {  # label config-file
  local out
  /usr/bin/time -o "$work/time" -f "%e %M" "$pgo" status -C "$work" --config "$2" >/dev/null 2>"$work/err" || true
  out=$(tail -1 "$work/time")
  printf '%-28s %8s s %8s MiB peak  %s\n' "$1" "${out% *}" "$(( ${out#* } / 1024 ))" \
    "$(grep -o 'pgo: error: .\{0,90\}' "$work/err" | head -1)"
}

echo "pgo: $pgo; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for mb in "${sizes[@]}"; do
  for shape in workloads env; do
    write_config "$shape" $((mb * 1000 * 1000)) "$work/pgo.yaml"
    measure "${mb} MB, ${shape}" "$work/pgo.yaml"
  done
done
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$work/pgo.yaml"
measure "17 MiB (over the limit)" "$work/pgo.yaml"
measure "/dev/zero" /dev/zero
