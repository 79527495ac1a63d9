#!/usr/bin/env bash
# Runs Skein on this machine with the demo: a small shop and ERP on 127.0.0.1:8081/8082,
# the 'orders-to-erp' flow deployed (every 5 minutes), one run right away, then `skein serve`.
# Data lives in ./skein-data (SQLite). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
for package in libsqlite3-dev zlib1g-dev; do
  dpkg -s "$package" >/dev/null 2>&1 || { as_root apt-get update -qq; as_root apt-get install -y -qq "$package"; }
done
swift build -c release --product skein
skein=.build/release/skein
python3 examples/demo/demo_systems.py --shop-port 8081 --erp-port 8082 &
systems=$!
trap 'kill $systems 2>/dev/null' EXIT
sleep 1
$skein instance add shop --type http --address http://127.0.0.1:8081
$skein instance add erp --type http --address http://127.0.0.1:8082
$skein flow deploy examples/demo/orders-to-erp.yaml
$skein run orders-to-erp || true
echo
echo "Try: $skein runs list | $skein runs show 1 | $skein payload show 1 fetch-orders"
echo "On its first start skein serve prints a one-time password for the user 'admin' (sign in at"
echo "http://127.0.0.1:8080/login; change it with: $skein user password admin). API: docs/api.md"
$skein serve
