"""Executions per second (docs/benchmarks.md, scenario 7): webhooks into a webhook -> map flow for a
fixed time (wrk, 64 connections), then nothing until the queue drains; in one measurement it
reports webhooks accepted per second, runs completed per second, the drain time and the runs
lost (acknowledged with a 202 but not stored, or stored but not finished successfully).

The flow is the shape of n8n's published benchmark ("up to 220 workflow executions per second
on a single instance", 2 vCPUs): a webhook trigger and one map step.

- SQLite: one `skein serve` (API and workers in one process, `--concurrency C`).
- PostgreSQL: one `skein serve --role api` and N `skein serve --role worker --concurrency C`
  processes on one database (`--workers 1,2,4`); with `--pin`, the database server runs on CPU 0
  and every Skein process and wrk on the other CPUs (Linux `taskset`).

    SKEIN_BIN=.build/release/skein python3 Benchmarks/executions.py --backend sqlite
    SKEIN_BIN=… SKEIN_BENCH_POSTGRES_URL=postgres://… python3 Benchmarks/executions.py --backend postgres --workers 1,2,4

Figures per measurement:
- accepted/s: 2xx answers counted by wrk / load seconds (each 202 only after the run was committed);
- completed/s: runs finished / seconds from the start of the load until the queue was empty;
- during load/s: runs finished by the end of the load / load seconds;
- drain: seconds from the end of the load until no run was queued or started;
- lost: acknowledged webhooks with no stored run, plus stored runs that did not succeed.
Prints one JSON object (medians and every measurement)."""
import argparse, json, os, re, socket, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.request, uuid

PSQL = "/usr/lib/postgresql/15/bin/psql"
TOKEN = "bench-token-7f3e9a1c52d84b06"
FLOW = f"""id: hook
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: to-erp
    map:
      fields:
        order_number: id
        name: name
        total: total_price
        currency: currency
"""
BODY = '{"id": 1001, "name": "#1001", "total_price": "19.90", "currency": "GBP"}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(port, process, deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        if process.poll() is not None:
            sys.exit(f"skein serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.05)
    sys.exit("skein serve did not answer /health")


def wrk(url, seconds, connections, script, cpus=None):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", script, url]
    if cpus:
        args = ["taskset", "-c", cpus] + args
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"answered": total, "non_2xx": int(errors.group(1)) if errors else 0, "p99_ms": float(p99.group(1)) * scale}


class SQLiteCounts:
    def __init__(self, data):
        self.path = os.path.join(data, "skein.sqlite")

    def __call__(self):
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            rows = dict(connection.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
        finally:
            connection.close()
        return rows


class PostgresCounts:
    def __init__(self, url):
        self.url = url

    def __call__(self):
        out = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-F", " ", self.url, "-c", "SELECT status, count(*) FROM runs GROUP BY status"],
                             check=True, capture_output=True, text=True).stdout
        return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.strip()}


def measure(skein, backend, workers, concurrency, seconds, connections, pin, postgres_url):
    work = tempfile.mkdtemp(prefix="skein-bench-exec-")
    data = os.path.join(work, "data")
    env = {**os.environ, "SKEIN_DATA_DIR": data, "SKEIN_LOG_LEVEL": "error"}
    database = None
    if backend == "postgres":
        database = "skein_exec_" + uuid.uuid4().hex[:10]
        subprocess.run([PSQL, "-X", "-q", postgres_url, "-c", f"CREATE DATABASE {database}"], check=True, capture_output=True)
        env["SKEIN_DATABASE"] = postgres_url.rpartition("/")[0] + "/" + database
    skein_cpus = "1-%d" % (os.cpu_count() - 1) if pin else None
    taskset = ["taskset", "-c", skein_cpus] if skein_cpus else []
    flow = os.path.join(work, "hook.yaml")
    open(flow, "w").write(FLOW)
    subprocess.run([skein, "flow", "deploy", flow], env=env, check=True, capture_output=True)
    script = os.path.join(work, "post.lua")
    open(script, "w").write(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = \'{BODY}\'\n')
    port = free_port()
    processes = []
    try:
        if backend == "sqlite":
            processes.append(subprocess.Popen(taskset + [skein, "serve", "--port", str(port), "--concurrency", str(concurrency)], env=env,
                                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "w")))
            counts = SQLiteCounts(data)
        else:
            processes.append(subprocess.Popen(taskset + [skein, "serve", "--role", "api", "--port", str(port)], env=env,
                                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "api.log"), "w")))
            for number in range(workers):
                processes.append(subprocess.Popen(taskset + [skein, "serve", "--role", "worker", "--concurrency", str(concurrency)], env=env,
                                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"worker{number}.log"), "w")))
            counts = PostgresCounts(env["SKEIN_DATABASE"])
        wait_health(port, processes[0])
        time.sleep(1)
        started = time.monotonic()
        load = wrk(f"http://127.0.0.1:{port}/webhooks/hook/{TOKEN}", seconds, connections, script, skein_cpus)
        load_end = time.monotonic()
        at_load_end = counts()
        while True:
            now = counts()
            if now.get("queued", 0) + now.get("started", 0) == 0:
                break
            if time.monotonic() - load_end > 600:
                sys.exit(f"the queue did not drain within 10 minutes: {now}")
            time.sleep(0.05)
        drained = time.monotonic()
        final = counts()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if database:
            subprocess.run([PSQL, "-X", "-q", postgres_url, "-c", f"DROP DATABASE {database} WITH (FORCE)"], capture_output=True)
        subprocess.run(["rm", "-rf", work])
    acknowledged = load["answered"] - load["non_2xx"]
    stored = sum(final.values())
    succeeded = final.get("success", 0)
    finished_at_load_end = sum(count for status, count in at_load_end.items() if status not in ("queued", "started"))
    return {
        "accepted_per_second": acknowledged / seconds,
        "completed_per_second": stored / (drained - started),
        "completed_during_load_per_second": finished_at_load_end / seconds,
        "drain_seconds": drained - load_end,
        "queued_at_load_end": at_load_end.get("queued", 0) + at_load_end.get("started", 0),
        "p99_ms": load["p99_ms"], "acknowledged": acknowledged, "non_2xx": load["non_2xx"], "stored": stored, "succeeded": succeeded,
        "lost": max(0, acknowledged - stored) + (stored - succeeded),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", default="1", help="PostgreSQL: worker processes, e.g. 1,2,4")
    parser.add_argument("--pin", action="store_true", help="PostgreSQL: the database on CPU 0, Skein and wrk on the others")
    arguments = parser.parse_args()
    skein = os.environ.get("SKEIN_BIN", ".build/release/skein")
    postgres_url = os.environ.get("SKEIN_BENCH_POSTGRES_URL") or os.environ.get("SKEIN_TEST_POSTGRES_URL")
    if arguments.backend == "postgres" and not postgres_url:
        sys.exit("set SKEIN_BENCH_POSTGRES_URL (scripts/test-postgres.sh start prints one)")
    counts = [1] if arguments.backend == "sqlite" else [int(n) for n in arguments.workers.split(",")]
    results = {}
    for repetition in range(arguments.repetitions):
        for workers in counts:
            figures = measure(skein, arguments.backend, workers, arguments.concurrency, arguments.seconds, arguments.connections,
                              arguments.pin, postgres_url)
            results.setdefault(workers, []).append(figures)
            print(f"{arguments.backend}, {workers} worker process(es), repetition {repetition + 1}: accepted {figures['accepted_per_second']:.0f}/s, "
                  f"completed {figures['completed_per_second']:.0f}/s ({figures['completed_during_load_per_second']:.0f}/s during the load), "
                  f"drain {figures['drain_seconds']:.1f} s, p99 {figures['p99_ms']:.1f} ms, lost {figures['lost']}", file=sys.stderr)
    summary = {"backend": arguments.backend, "seconds": arguments.seconds, "connections": arguments.connections,
               "concurrency": arguments.concurrency, "repetitions": arguments.repetitions, "pinned": arguments.pin, "workers": {}}
    for workers, values in results.items():
        medians = {key: statistics.median(v[key] for v in values) for key in values[0]}
        medians["ratio"] = medians["completed_per_second"] / max(medians["accepted_per_second"], 1e-9)
        medians["lost"] = sum(v["lost"] for v in values)
        summary["workers"][workers] = {"median": medians, "runs": values}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
