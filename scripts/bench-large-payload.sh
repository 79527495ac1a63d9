#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of storing and downloading a 100 MB payload, three
# times each, medians, against the baseline of `skein runs list` on the same data directory.
# Usage: bash scripts/bench-large-payload.sh [path/to/skein]   (default .build/release/skein)
set -euo pipefail
cd "$(dirname "$0")/.."
skein="${1:-.build/release/skein}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
python3 - "$work/big.csv" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as out:
    row = 0
    while out.tell() < 100 * 1024 * 1024:
        out.write(f"{row};{os.urandom(48).hex()};\"a, b\"\r\n".encode()); row += 1
PY
printf 'id: big-files\nshapes:\n  - id: keep\n    filter: { where: [ { field: ok, exists: true } ] }\n' > "$work/flow.yaml"
"$skein" flow deploy "$work/flow.yaml" --data-dir "$work/data" >/dev/null
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}'; }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
store=(); download=(); baseline=()
for i in 1 2 3; do
  store+=("$(rss "$skein" run big-files --payload "$work/big.csv" --content-type text/csv --queue --data-dir "$work/data")")
  download+=("$(rss "$skein" payload download "$i" input -o "$work/out.csv" --data-dir "$work/data")")
  cmp -s "$work/big.csv" "$work/out.csv" || { echo "download differs from the original"; exit 1; }
  baseline+=("$(rss "$skein" runs list --data-dir "$work/data")")
done
size=$(( $(stat -c %s "$work/big.csv") / 1048576 ))
echo "payload ${size} MB; peak RSS medians (MB): baseline runs list $(median "${baseline[@]}"), store $(median "${store[@]}"), download $(median "${download[@]}")"
