#!/usr/bin/env bash
# Runs every benchmark scenario of docs/benchmarks.md, each with its baseline in the same run,
# and writes docs/benchmarks.md from scratch (machine, date, this command, medians, ratios,
# targets met or missed), followed by Benchmarks/notes.md (profiles, history).
#
#   bash scripts/bench.sh                                  # everything (release build first)
#   SKEIN_BIN=.build/release/skein bash scripts/bench.sh   # skip the build
#   PAGES=10 REPETITIONS=5 SYNC_ENTRIES=1000000 WEBHOOK_SECONDS=10 bash scripts/bench.sh
#   SCENARIOS="serve runs" BENCH_OUT=/tmp/bench bash scripts/bench.sh   # some scenarios only
#
# Installs what it needs: wrk (Debian) for webhook intake, jsonata-python (PyPI) for the JSONata peer.
# The sync report's entries are generated once into $SYNC_DIR (10 million take 4–7 minutes and 5 GB)
# and reused by later runs; so are the run log's runs in $RUNS_DIR (1 million: ~1 minute, 0.5 GB).
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-20}                       # scenario 1: pages of 1,000 orders
REPETITIONS=${REPETITIONS:-5}
WEBHOOK_SECONDS=${WEBHOOK_SECONDS:-10}
SYNC_ENTRIES=${SYNC_ENTRIES:-10000000}
SYNC_DIR=${SYNC_DIR:-/tmp/skein-bench-sync-$SYNC_ENTRIES}
ORDERS=${ORDERS:-100000}                 # the JSONata comparison
RUNS=${RUNS:-1000000}                    # scenario 3: the run log
RUNS_DIR=${RUNS_DIR:-/tmp/skein-bench-runs-$RUNS}
QUEUE_RUNS=${QUEUE_RUNS:-2000}            # scenario 6: runs through the PostgreSQL queue
SCENARIOS=${SCENARIOS:-"flow serve sync runs large-payload jsonata queue executions"}
EXEC_SECONDS=${EXEC_SECONDS:-10}          # scenario 7: seconds of webhook load before the drain
if [ "$REPETITIONS" -lt 5 ]; then echo "REPETITIONS must be at least 5 (medians of fewer are noise)"; exit 1; fi

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
python3 -c "import jsonata" 2>/dev/null || python3 -m pip install -q jsonata-python

if [ -n "${SKEIN_BIN:-}" ]; then
  SKEIN=$SKEIN_BIN
else
  echo "== building (release)"
  swift build -c release --product skein
  SKEIN="$(swift build -c release --show-bin-path)/skein"
fi
# BENCH_OUT keeps the figures of earlier invocations (e.g. SCENARIOS=sync, then SCENARIOS=flow) so
# one report covers them all; by default each run starts empty.
if [ -n "${BENCH_OUT:-}" ]; then out=$BENCH_OUT; mkdir -p "$out"; else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

for scenario in $SCENARIOS; do
  case $scenario in
    flow)
      echo "== 1. flow: skein bench flow --pages $PAGES --repetitions $REPETITIONS --json"
      "$SKEIN" bench flow --pages "$PAGES" --repetitions "$REPETITIONS" --json > "$out/flow.json" ;;
    serve)
      echo "== 2 + 5. webhook intake (wrk, 64 connections) and serve start-up: python3 Benchmarks/serve_bench.py"
      python3 Benchmarks/serve_bench.py "$SKEIN" "$WEBHOOK_SECONDS" "$REPETITIONS" > "$out/serve.json" ;;
    sync)
      echo "== 3. sync report: skein bench sync --entries $SYNC_ENTRIES --data-dir $SYNC_DIR"
      "$SKEIN" bench sync --entries "$SYNC_ENTRIES" --batch 100000 --generate-only --data-dir "$SYNC_DIR"
      "$SKEIN" bench sync --entries "$SYNC_ENTRIES" --iterations 100 --data-dir "$SYNC_DIR" --json > "$out/sync.json"
      echo "$SYNC_ENTRIES" > "$out/sync-entries" ;;
    runs)
      echo "== 3. run log: skein bench runs --runs $RUNS --data-dir $RUNS_DIR"
      "$SKEIN" bench runs --runs "$RUNS" --generate-only --data-dir "$RUNS_DIR"
      "$SKEIN" bench runs --runs "$RUNS" --iterations 200 --data-dir "$RUNS_DIR" --json > "$out/runs.json"
      echo "$RUNS" > "$out/runs-count" ;;
    large-payload)
      echo "== 4. 100 MB payload: bash scripts/bench-large-payload.sh"
      line=$(bash scripts/bench-large-payload.sh "$SKEIN" | tail -1)
      echo "$line"
      python3 - "$line" > "$out/large-payload.json" <<'PY'
import json, re, sys
line = sys.argv[1]
size = int(re.search(r"payload (\d+) MB", line).group(1))
baseline, store, download = (int(x) for x in re.search(r"baseline runs list (\d+), store (\d+), download (\d+)", line).groups())
print(json.dumps({"size": size, "baseline": baseline, "store": store, "download": download}))
PY
      ;;
    jsonata)
      echo "== JSONata: skein bench jsonata vs jsonata-python, $ORDERS orders"
      "$SKEIN" bench jsonata --orders "$ORDERS" --repetitions "$REPETITIONS" --json > "$out/swift.json"
      python3 Benchmarks/jsonata_peer.py --orders "$ORDERS" --repetitions "$REPETITIONS" > "$out/python.json"
      python3 -c "import json,sys; print(json.dumps({'swift': json.load(open(sys.argv[1])), 'python': json.load(open(sys.argv[2]))}))" \
        "$out/swift.json" "$out/python.json" > "$out/jsonata.json" ;;
    queue)
      echo "== 6. run queue on PostgreSQL, 1/2/4 workers: python3 Benchmarks/queue_scale_out.py --runs $QUEUE_RUNS"
      command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15; }
      eval "$(bash scripts/test-postgres.sh start)"
      SKEIN_BIN="$SKEIN" SKEIN_BENCH_POSTGRES_URL="$SKEIN_TEST_POSTGRES_URL" \
        python3 Benchmarks/queue_scale_out.py --runs "$QUEUE_RUNS" --items 10 --repetitions "$REPETITIONS" > "$out/queue.json"
      bash scripts/test-postgres.sh stop "$SKEIN_TEST_POSTGRES_DIR" ;;
    executions)
      echo "== 7. executions per second: python3 Benchmarks/executions.py (SQLite; PostgreSQL 1/2/4 workers, database pinned to CPU 0)"
      SKEIN_BIN="$SKEIN" python3 Benchmarks/executions.py --backend sqlite --seconds "$EXEC_SECONDS" --repetitions "$REPETITIONS" > "$out/executions-sqlite.json"
      command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15; }
      eval "$(bash scripts/test-postgres.sh start)"
      pg_pid=$(head -1 "$SKEIN_TEST_POSTGRES_DIR"/data/postmaster.pid 2>/dev/null || true)
      # The database on CPU 0 (the postmaster and every backend it forks), Skein and wrk on the others.
      [ -n "$pg_pid" ] && taskset -a -p -c 0 "$pg_pid" >/dev/null
      SKEIN_BIN="$SKEIN" SKEIN_BENCH_POSTGRES_URL="$SKEIN_TEST_POSTGRES_URL" python3 Benchmarks/executions.py --backend postgres --workers 1,2,4 \
        --pin --seconds "$EXEC_SECONDS" --repetitions "$REPETITIONS" > "$out/executions-postgres.json"
      bash scripts/test-postgres.sh stop "$SKEIN_TEST_POSTGRES_DIR" ;;
    *) echo "unknown scenario '$scenario' (flow serve sync runs large-payload jsonata queue executions)"; exit 1 ;;
  esac
done

python3 Benchmarks/write_report.py "$out" \
  "PAGES=$PAGES REPETITIONS=$REPETITIONS WEBHOOK_SECONDS=$WEBHOOK_SECONDS SYNC_ENTRIES=$SYNC_ENTRIES RUNS=$RUNS ORDERS=$ORDERS QUEUE_RUNS=$QUEUE_RUNS EXEC_SECONDS=$EXEC_SECONDS bash scripts/bench.sh"
