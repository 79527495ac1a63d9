"""Repeated webhook deliveries (`dedupe:` on a webhook trigger), end to end against real
`skein serve` processes: a delivery sent again with the same identity — one after the other, or
20 at once — makes one run, and every answer names that run; a different identity makes a
second run; after the window the same identity makes a new run. On SQLite with one process, and
on PostgreSQL with two `skein serve` processes sharing the database, the deliveries spread over both."""
import concurrent.futures
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from conftest import Skein, skein_binary, wait_for

TOKEN = "dedupe-token-3f9a0c6e2b71d845"

FLOW = """
id: shop-orders
trigger:
  webhook:
    token: {token}
    dedupe: {dedupe}
shapes:
  - id: stamp
    map:
      fields:
        order: id
"""


def post(base, body, headers=None):
    request = urllib.request.Request(f"{base}/webhooks/shop-orders/{TOKEN}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def deploy(skein, tmp_path, dedupe, env=None):
    path = tmp_path / "shop-orders.yaml"
    path.write_text(FLOW.format(token=TOKEN, dedupe=dedupe))
    return skein.run("flow", "deploy", str(path))


def run_ids(skein):
    return sorted(run["id"] for run in skein.json("runs", "list", "--flow", "shop-orders"))


def send_twenty(bases, body, headers=None):
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        return list(pool.map(lambda index: post(bases[index % len(bases)], body, headers), range(20)))


def check_repeats(skein, bases, header="X-Shopify-Webhook-Id"):
    """The behaviour a sender sees, on any backend: repeats answered like the first, one run each."""
    first = post(bases[0], {"id": 1017}, {header: "d1b6c4e0-1"})
    assert first[0] == 202 and first[1]["status"] == "queued"
    again = post(bases[-1], {"id": 1017}, {header: "d1b6c4e0-1"})
    assert again == first, "a sequential repeat is answered like the first, naming the same run"
    assert run_ids(skein) == [first[1]["run"]]

    answers = send_twenty(bases, {"id": 1018}, {header: "d1b6c4e0-2"})
    assert {status for status, _ in answers} == {202}
    concurrent_runs = {answer["run"] for _, answer in answers}
    assert len(concurrent_runs) == 1, f"20 concurrent deliveries of one identity name one run: {answers}"
    assert run_ids(skein) == sorted([first[1]["run"], *concurrent_runs])

    other = post(bases[0], {"id": 1017}, {header: "d1b6c4e0-3"})
    assert other[0] == 202 and other[1]["run"] not in [first[1]["run"], *concurrent_runs], "another identity is another delivery"
    assert len(run_ids(skein)) == 3


def deduplicated_count(process):
    """`skein_webhooks_deduplicated_total` of the shop-orders flow, scraped from the port the log names."""
    import re
    url = wait_for(lambda: re.search(r"metrics on (http://\S+/metrics)", process.log_path.read_text()), what="the metrics address").group(1)
    with urllib.request.urlopen(url, timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith('skein_webhooks_deduplicated_total{flow="shop-orders"}'):
                return float(line.split()[-1])
    return 0.0


def test_repeats_on_sqlite_make_one_run_and_a_new_window_makes_another(skein, tmp_path):
    deploy(skein, tmp_path, "{ header: X-Shopify-Webhook-Id, window: 2s }")
    process, base = skein.serve_api("--metrics-port", "0")
    try:
        check_repeats(skein, [base])
        assert deduplicated_count(process) == 20, "one sequential repeat and 19 concurrent ones were recognised"

        # After the window the same identity is a new delivery.
        status, first = post(base, {"id": 2001}, {"x-shopify-webhook-id": "late-1"})
        time.sleep(2.5)
        status, later = post(base, {"id": 2001}, {"X-Shopify-Webhook-Id": "late-1"})
        assert status == 202 and later["run"] != first["run"]

        # Without the header the delivery is processed as usual, and the log says it was not de-duplicated.
        status, bare = post(base, {"id": 2002})
        assert status == 202
        wait_for(lambda: "could not be de-duplicated: the request has no X-Shopify-Webhook-Id header" in process.log_path.read_text(),
                 what="the warning about a missing identity")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_expression_on_the_body_names_the_delivery(skein, tmp_path):
    deploy(skein, tmp_path, "{ expression: \"$.id & '-' & $.updated_at\" }")
    process, base = skein.serve_api()
    try:
        one = post(base, {"id": 7, "updated_at": "2026-12-05T09:00:00Z"})
        two = post(base, {"id": 7, "updated_at": "2026-12-05T09:00:00Z", "note": "resent"})
        changed = post(base, {"id": 7, "updated_at": "2026-12-05T09:05:00Z"})
        assert one == two and changed[1]["run"] != one[1]["run"]
        assert len(run_ids(skein)) == 2
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_dedupe_without_a_source_is_refused_where_it_is(skein, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(FLOW.format(token=TOKEN, dedupe="{ window: 90d }"))
    result = skein.run("flow", "deploy", str(path), check=False)
    assert result.returncode != 0
    assert "trigger.webhook.dedupe" in result.stderr
    assert "give header: or expression:" in result.stderr
    assert "at most 30d" in result.stderr


def test_repeats_across_two_processes_sharing_postgresql_make_one_run(tmp_path, postgres_url):
    env = {**os.environ, "SKEIN_DATABASE": postgres_url}
    data = tmp_path / "data"
    data.mkdir()

    class Shared(Skein):
        def run(self, *args, check=True, input=None, timeout=120):
            result = subprocess.run([skein_binary(), *args, "--data-dir", self.data_dir], capture_output=True, text=True,
                                    input=input, timeout=timeout, env=env)
            if check and result.returncode != 0:
                raise AssertionError(f"skein {' '.join(args)} exited {result.returncode}\n{result.stderr}")
            return result

    skein = Shared(data)
    deploy(skein, tmp_path, "{ header: Idempotency-Key }")
    processes, bases = [], []
    try:
        for index in range(2):
            log = open(data / f"serve-{index}.log", "w")
            process = subprocess.Popen([skein_binary(), "serve", "--data-dir", str(data), "--port", "0"], stdout=log,
                                       stderr=subprocess.STDOUT, env=env)
            process.log_path = data / f"serve-{index}.log"
            processes.append(process)
            bases.append(f"http://127.0.0.1:{Skein.listening_port(process)}")
        for base in bases:
            wait_for(lambda: healthy(base), what=f"{base} to answer /health")
        check_repeats(skein, bases, header="Idempotency-Key")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def healthy(base):
    try:
        with urllib.request.urlopen(base + "/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
