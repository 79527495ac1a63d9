"""Run-queue throughput on PostgreSQL with 1, 2 and 4 worker processes (`skein serve --role worker`).

For each worker count and repetition: a fresh database, the flow deployed, RUNS webhooks (each an
order list of ITEMS items) taken in by one API process while no worker runs, then WORKERS worker
processes started together; the clock runs from their start until every run has finished.
Reports medians of runs/s and items/s and the ratio to 1 worker measured in the same run.

The flow is split + map + filter (no outbound HTTP), so the figures measure Skein and
PostgreSQL (claims, leases, steps and payloads written per run), not a destination.

    SKEIN_BIN=.build/release/skein SKEIN_BENCH_POSTGRES_URL=postgres://… python3 Benchmarks/queue_scale_out.py
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

PSQL = "/usr/lib/postgresql/15/bin/psql"
TOKEN = "bench-token-31c9d0e2a8f74b65"
FLOW = f"""
id: bench-in
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: each-order
    split: {{ path: orders }}
  - id: paid-only
    filter:
      where: [ {{ field: status, equals: paid }} ]
  - id: to-erp-format
    map:
      fields:
        order_number: id
        total: total
        email: customer.email
"""


def psql(url, sql):
    result = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return result.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port, process):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"the API process exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the API process did not become healthy")


def post_all(port, runs, items):
    def send(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for number in chunk:
            orders = [{"id": number * 1000 + i, "status": "paid", "total": 12.5, "customer": {"email": f"c{i}@example.com"}}
                      for i in range(items)]
            connection.request("POST", f"/webhooks/bench-in/{TOKEN}", body=json.dumps({"orders": orders}),
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status != 202:
                sys.exit(f"webhook answered {response.status}")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(send, [list(range(start, runs, 8)) for start in range(8)]))


def machine_cpu():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_cpu(pid):
    """User + system seconds a process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(binary, server_url, workers, runs, items, concurrency):
    name = "skein_bench_" + uuid.uuid4().hex[:10]
    psql(server_url, f"CREATE DATABASE {name}")
    url = server_url.rpartition("/")[0] + "/" + name
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "SKEIN_DATABASE": url, "SKEIN_DATA_DIR": data, "SKEIN_LOG_LEVEL": "warning"}
        flow = os.path.join(data, "bench-in.yaml")
        with open(flow, "w") as f:
            f.write(FLOW)
        subprocess.run([binary, "flow", "deploy", flow], env=env, check=True, capture_output=True)
        port = free_port()
        api = subprocess.Popen([binary, "serve", "--role", "api", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes = [api]
        try:
            wait_healthy(port, api)
            intake_start = time.monotonic()
            post_all(port, runs, items)
            intake = runs / (time.monotonic() - intake_start)
            start = time.monotonic()
            busy_before, total_before = machine_cpu()
            for _ in range(workers):
                processes.append(subprocess.Popen([binary, "serve", "--role", "worker", "--concurrency", str(concurrency)], env=env,
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            while psql(url, "SELECT count(*) FROM runs WHERE status IN ('queued', 'started')") != "0":
                time.sleep(0.05)
            elapsed = time.monotonic() - start
            busy_after, total_after = machine_cpu()
            worker_seconds = sum(process_cpu(p.pid) for p in processes[1:])
            cores = os.cpu_count()
            utilisation = (busy_after - busy_before) / max(1, total_after - total_before)
            machine_seconds = utilisation * cores * elapsed
            succeeded = int(psql(url, "SELECT count(*) FROM runs WHERE status = 'success'"))
            if succeeded != runs:
                sys.exit(f"only {succeeded} of {runs} runs succeeded")
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
    psql(server_url, f"DROP DATABASE {name} WITH (FORCE)")
    return runs / elapsed, intake, utilisation, worker_seconds / max(machine_seconds, 1e-9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", default="1,2,4")
    arguments = parser.parse_args()
    binary = os.environ.get("SKEIN_BIN", ".build/release/skein")
    server_url = os.environ.get("SKEIN_BENCH_POSTGRES_URL") or os.environ.get("SKEIN_TEST_POSTGRES_URL")
    if not server_url:
        sys.exit("set SKEIN_BENCH_POSTGRES_URL (scripts/test-postgres.sh start prints one)")
    results = {}
    for repetition in range(arguments.repetitions):
        for workers in map(int, arguments.workers.split(",")):
            rate, intake, utilisation, worker_share = measure(binary, server_url, workers, arguments.runs, arguments.items,
                                                              arguments.concurrency)
            results.setdefault(workers, []).append((rate, intake, utilisation, worker_share))
            print(f"repetition {repetition + 1}, {workers} worker(s): {rate:.0f} runs/s, {rate * arguments.items:.0f} items/s "
                  f"(intake {intake:.0f} webhooks/s; machine CPU {utilisation:.0%} busy, workers {worker_share:.0%} of it)", file=sys.stderr)
    summary = {"runs": arguments.runs, "items": arguments.items, "repetitions": arguments.repetitions,
               "concurrency": arguments.concurrency, "workers": {}}
    baseline = statistics.median(value[0] for value in results[min(results)])
    for workers, values in sorted(results.items()):
        median = statistics.median(value[0] for value in values)
        summary["workers"][workers] = {"runs_per_second": round(median, 1), "items_per_second": round(median * arguments.items, 1),
                                       "ratio": round(median / baseline, 2),
                                       "intake_webhooks_per_second": round(statistics.median(v[1] for v in values), 1),
                                       "machine_cpu_busy": round(statistics.median(v[2] for v in values), 2),
                                       "workers_share_of_busy_cpu": round(statistics.median(v[3] for v in values), 2)}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
