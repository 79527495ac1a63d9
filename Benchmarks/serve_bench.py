"""Scenarios 2 and 5 of docs/benchmarks.md, against a real `skein serve` (release build).

Scenario 2: webhook intake with wrk (64 connections): durable accepted webhooks per second and
p99 latency (group commit), against wrk on GET /health of the same server in the same run (the
HTTP stack without the store) and against a server committing each webhook alone
(SKEIN_WEBHOOK_BATCH=1, how intake worked before group commit). Scenario 5: `skein serve` start-up time (spawn -> /health answers 200) and
idle RSS, against `skein runs list` (a CLI process that opens the same store) in the same run.
Prints one JSON object."""
import json, os, re, socket, statistics, subprocess, sys, tempfile, time, urllib.request

skein, duration, repetitions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
work = tempfile.mkdtemp(prefix="skein-bench-serve-")
data = os.path.join(work, "data")
TOKEN = "bench-token-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args):
    return subprocess.run([skein, *args, "--data-dir", data], check=True, capture_output=True, text=True)


def wait_health(port, deadline):
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            time.sleep(0.005)
    return False


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_serve(env=None):
    port = free_port()
    log = open(os.path.join(work, f"serve-{port}.log"), "w")
    started = time.perf_counter()
    process = subprocess.Popen([skein, "serve", "--data-dir", data, "--port", str(port), "--log-level", "error"],
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    if not wait_health(port, time.time() + 30):
        process.kill()
        sys.exit("skein serve did not answer /health within 30 s")
    return process, port, time.perf_counter() - started


def stop(process):
    process.terminate()
    process.wait(timeout=30)


def wrk(url, script=None):
    args = ["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"per_second": requests, "requests": total, "p99_ms": float(p99.group(1)) * scale, "non_2xx": int(errors.group(1)) if errors else 0}


flow = os.path.join(work, "hook.yaml")
open(flow, "w").write(f"id: hook\ntrigger:\n  webhook: {{ token: {TOKEN} }}\nshapes:\n  - id: keep\n"
                      f"    filter: {{ where: [ {{ field: id, exists: true }} ] }}\n")
run("flow", "deploy", flow)
script = os.path.join(work, "post.lua")
open(script, "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                        'wrk.body = \'{"id": 1001, "name": "#1001", "total_price": "19.90", "currency": "GBP"}\'\n')

# Scenario 5 first, on a store holding only the flow: start-up and idle memory.
startups, idle, cli = [], [], []
for _ in range(repetitions):
    process, port, seconds = start_serve()
    startups.append(seconds * 1000)
    time.sleep(2)
    idle.append(rss_mb(process.pid))
    stop(process)
    started = time.perf_counter()
    run("runs", "list")
    cli.append((time.perf_counter() - started) * 1000)

# Scenario 2: health (baseline) and webhooks against the same server, alternating.
health, hooks = [], []
process, port, _ = start_serve()
try:
    for _ in range(repetitions):
        health.append(wrk(f"http://127.0.0.1:{port}/health"))
        hooks.append(wrk(f"http://127.0.0.1:{port}/webhooks/hook/{TOKEN}", script))
finally:
    stop(process)
# The webhook baseline before group commit: the same server committing each webhook alone.
single = []
process, port, _ = start_serve({"SKEIN_WEBHOOK_BATCH": "1"})
try:
    for _ in range(repetitions):
        single.append(wrk(f"http://127.0.0.1:{port}/webhooks/hook/{TOKEN}", script))
finally:
    stop(process)
import sqlite3
stored = sqlite3.connect(os.path.join(data, "skein.sqlite")).execute("SELECT count(*) FROM runs").fetchone()[0]
print(json.dumps({
    "startup_ms": startups, "idle_rss_mb": idle, "cli_ms": cli,
    "health": health, "webhooks": hooks, "webhooks_one_commit_each": single, "duration_s": duration,
    "stored_runs": stored, "answered_webhooks": sum(h["requests"] - h["non_2xx"] for h in hooks + single),
}))
