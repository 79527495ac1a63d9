"""Scale-out on PostgreSQL: two API processes and three workers (`skein serve --role`) over one
database. 10,000 webhook payloads go in across both API processes, one worker is `kill -9`ed
half-way, and still every payload is processed, every order reaches the ERP exactly once (it
de-duplicates by the Idempotency-Key the send step carries) or its run is marked failed with a
reason, and no run is left in `started`.

PostgreSQL comes from SKEIN_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway cluster and
exports it); without it the test fails, it never skips."""
import concurrent.futures
import http.client
import json
import os
import signal
import subprocess
import time
import uuid

import pytest

from conftest import Skein, make_erp, skein_binary, wait_for

PAYLOADS = 10_000
TOKEN = "scale-token-5b0c2e7a91d84f36"
PSQL = "/usr/lib/postgresql/15/bin/psql"

FLOW = f"""
id: scale-in
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: post-to-erp
    http:
      instance: erp
      direction: send
      method: POST
      path: /orders
      body: json
      idempotency_key: Idempotency-Key
    retry: {{ attempts: 5, backoff: 200ms, max_backoff: 2s }}
"""


def psql(url, sql):
    result = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def database():
    """A database of its own on the test server, dropped afterwards."""
    server = os.environ.get("SKEIN_TEST_POSTGRES_URL")
    if not server:
        pytest.fail("SKEIN_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts a throwaway PostgreSQL cluster")
    name = "skein_scale_" + uuid.uuid4().hex[:12]
    psql(server, f"CREATE DATABASE {name}")
    base, _, _ = server.rpartition("/")
    yield f"{base}/{name}"
    psql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Cluster:
    """`skein` processes sharing one data directory (credential key) and one PostgreSQL database."""

    def __init__(self, data_dir, database):
        self.data_dir = str(data_dir)
        self.env = {**os.environ, "SKEIN_DATABASE": database, "SKEIN_DATA_DIR": self.data_dir}
        self.processes = []

    def run(self, *args):
        result = subprocess.run([skein_binary(), *args], capture_output=True, text=True, env=self.env, timeout=120)
        assert result.returncode == 0, f"skein {' '.join(args)}: {result.stderr}"
        return result

    def serve(self, role, *args):
        path = os.path.join(self.data_dir, f"{role}-{len(self.processes)}.log")
        log = open(path, "w")
        process = subprocess.Popen([skein_binary(), "serve", "--role", role, "--lease", "3", *args],
                                   stdout=log, stderr=subprocess.STDOUT, env=self.env)
        process.log_path = path
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def healthy(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False


def post_all(ports, count):
    """POSTs `count` orders, alternating between the API processes, 16 at a time on kept-alive connections."""
    def send(chunk):
        connections = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in ports}
        answers = []
        for number in chunk:
            port = ports[number % len(ports)]
            body = json.dumps({"order_number": number, "reference": f"#{number}", "total": "9.90"})
            connection = connections[port]
            connection.request("POST", f"/webhooks/scale-in/{TOKEN}", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answers.append((response.status, json.loads(response.read())))
        return answers

    chunks = [list(range(start, count, 16)) for start in range(16)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return [answer for answers in pool.map(send, chunks) for answer in answers]


def test_two_api_processes_and_three_workers_lose_nothing_when_a_worker_is_killed(tmp_path, database):
    erp = make_erp(delay=0.002)
    cluster = Cluster(tmp_path / "data", database)
    try:
        cluster.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
        flow = tmp_path / "scale-in.yaml"
        flow.write_text(FLOW)
        cluster.run("flow", "deploy", str(flow))
        apis = [cluster.serve("api", "--port", "0") for _ in range(2)]
        workers = [cluster.serve("worker", "--concurrency", "8") for _ in range(3)]
        cluster.serve("scheduler")
        api_ports = [Skein.listening_port(api) for api in apis]
        for port in api_ports:
            wait_for(lambda: healthy(port), timeout=60, what=f"the API process on port {port}")

        victim = workers[0]
        killed = {}

        def kill_when_half_done():
            while erp.system.requests < PAYLOADS // 2:
                time.sleep(0.05)
            os.kill(victim.pid, signal.SIGKILL)
            killed["at"] = erp.system.requests

        with concurrent.futures.ThreadPoolExecutor(1) as killer:
            kill = killer.submit(kill_when_half_done)
            answers = post_all(api_ports, PAYLOADS)
            assert [status for status, _ in answers].count(202) == PAYLOADS, {s for s, _ in answers}
            assert all(body["status"] == "queued" for _, body in answers)
            kill.result(timeout=600)
        assert victim.wait(timeout=10) == -signal.SIGKILL

        def finished():
            counts = dict(line.split("|") for line in psql(database, "SELECT status, count(*) FROM runs GROUP BY status").splitlines())
            return counts if set(counts) <= {"success", "failure"} and sum(map(int, counts.values())) == PAYLOADS else None

        counts = wait_for(finished, timeout=600, interval=1, what="every run to finish")
        failed = int(counts.get("failure", 0))
        resumed = int(psql(database, "SELECT count(*) FROM runs WHERE claims > 1"))
        unexplained = psql(database, "SELECT count(*) FROM runs WHERE status = 'failure' AND (error IS NULL OR error = '')")
        assert unexplained == "0", "every failed run says why"

        orders = [order["order_number"] for order in erp.system.received.values()]
        assert len(orders) == len(set(orders)), "no order stored twice at the ERP"
        assert len(orders) + failed == PAYLOADS, (len(orders), failed)
        assert failed == 0, f"{failed} runs failed"  # the ERP never refuses here, so all are delivered
        assert sorted(orders) == list(range(PAYLOADS))
        print(f"killed a worker after {killed['at']} ERP requests; {resumed} runs resumed by other workers; "
              f"{erp.system.duplicates} re-sent requests de-duplicated by the ERP")
    finally:
        cluster.stop()
        erp.shutdown()
