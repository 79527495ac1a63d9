#!/usr/bin/env bash
# Runs every Skein test on a fresh machine: installs what the tests need (Debian and PyPI
# packages), builds, runs the Swift suites, then the end-to-end tests against the real binary,
# real HTTP servers, SQLite files and an OpenSSH sshd, all on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(libsqlite3-dev sqlite3 zlib1g-dev openssh-server openssh-client openssl time postgresql postgresql-15 chromium bubblewrap prometheus)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
python3 -c "import pytest, schemathesis" >/dev/null 2>&1 || python3 -m pip install -q pytest schemathesis
# jsonschema and PyYAML: the flow schema test checks every documented flow against `skein flow schema` (draft 2020-12).
python3 -c "import jsonschema, yaml" >/dev/null 2>&1 || python3 -m pip install -q jsonschema pyyaml
# aiosmtpd: the real SMTP server the notify shape's tests send mail to.
python3 -c "import aiosmtpd" >/dev/null 2>&1 || python3 -m pip install -q aiosmtpd
# The browser test drives Debian's chromium (above) with Playwright; `playwright install` is never needed.
python3 -c "import playwright" >/dev/null 2>&1 || python3 -m pip install -q playwright
# opentelemetry-proto: the e2e OTLP/HTTP receiver decodes the spans skein serve exports.
python3 -c "import opentelemetry.proto" >/dev/null 2>&1 || python3 -m pip install -q opentelemetry-proto
# mcp: the MCP Python SDK, the real client tests/e2e/test_mcp.py drives `skein mcp` and /mcp with.
python3 -c "import mcp" >/dev/null 2>&1 || python3 -m pip install -q mcp

echo "== starting a throwaway PostgreSQL cluster on 127.0.0.1"
pg_env=$(bash scripts/test-postgres.sh start)   # fails the run if the cluster cannot start
eval "$pg_env"
trap 'bash scripts/test-postgres.sh stop "$SKEIN_TEST_POSTGRES_DIR"' EXIT
echo "   $(echo "$SKEIN_TEST_POSTGRES_URL" | sed -E 's#//([^:]+):[^@]+@#//\1:***@#')"

echo "== format (swift-format with .swift-format; fix with: swift format format -i -r -p Sources Tests Package.swift)"
swift format lint --strict -r -p Sources Tests Package.swift

echo "== building"
swift build --build-tests

echo "== swift test"
# The exit status of `swift test` and its summary line must both say the run passed: a crash of
# the test process prints no summary, and fails the run like a failing test does.
set +e
swift test --skip-build 2>&1 | tee .build/swift-test.log | grep -vE '^(◇|↳|✔ Test [^r]|\[)'
swift_status=${PIPESTATUS[0]}
set -e
if [ "$swift_status" -ne 0 ] || ! grep -qE '✔ Test run with [0-9]+ tests? .*passed' .build/swift-test.log; then
  echo "Swift tests failed (exit status $swift_status); see .build/swift-test.log"
  grep -E '✘|error:|Fatal error|Program crashed' .build/swift-test.log | head -50
  exit 1
fi

echo "== end-to-end tests"
python3 -m pytest -q tests/e2e
