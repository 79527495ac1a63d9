"""The delivery ledger (issue 19): a replay onto a fixed flow version does not deliver again
what the warehouse already has, a changed order is delivered once more, and a `kill -9` in the
middle of delivering repeats only the requests in flight — with the same Idempotency-Key, so a
warehouse that honours it creates every reference exactly once."""
import concurrent.futures
import json
import os
import signal
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest

from conftest import ROOT, wait_for
import demo_systems

FLOW = """
id: orders-to-wms
shapes:
  - id: fetch-orders
    http:
      instance: shop
      direction: receive
      path: /orders
      pagination: { type: page, param: page, start: 1 }
      items_path: orders
      max_pages: 200
  - id: check
    assert:
      that: [ { field: "orders[0].currency", CHECK } ]
  - id: each-order
    split: { path: orders }
  - id: paid-only
    filter:
      where: [ { field: financial_status, equals: paid } ]
  - id: to-wms-format
    map:
      fields:
        reference: name
        total: total_price
        lines: line_items
  - id: post-to-wms
    http:
      instance: wms
      direction: send
      path: /shipments
      CONCURRENCY
      sync: { system: WMS, reference: reference, endpoint_id: wms_id }
"""


class WMS:
    """A warehouse on 127.0.0.1 that creates a shipment per request. With `honour_keys` it
    answers a request whose Idempotency-Key it has seen with the first answer and creates
    nothing (as Stripe-style APIs do); either way it counts creations per reference."""

    def __init__(self, honour_keys=True, delay=0.0):
        self.honour_keys = honour_keys
        self.delay = delay
        self.lock = threading.Lock()
        self.created = {}        # reference -> number of shipments created
        self.bodies = {}         # reference -> the latest body created
        self.answers = {}        # Idempotency-Key -> answer
        self.keys_seen = {}      # Idempotency-Key -> requests carrying it
        self.requests = 0

    def handler(self):
        wms = self

        class Handler(demo_systems.JSONHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                key = self.headers.get("Idempotency-Key")
                if wms.delay:
                    import time
                    time.sleep(wms.delay)
                with wms.lock:
                    wms.requests += 1
                    if key:
                        wms.keys_seen[key] = wms.keys_seen.get(key, 0) + 1
                    if wms.honour_keys and key in wms.answers:
                        answer = wms.answers[key]
                    else:
                        reference = body["reference"]
                        wms.created[reference] = wms.created.get(reference, 0) + 1
                        wms.bodies[reference] = body
                        answer = {"wms_id": f"WMS-{reference}-{wms.created[reference]}"}
                        if key:
                            wms.answers[key] = answer
                self._send(201, answer)

        return Handler

    def serve(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def write_flow(name, check, concurrency=1):
    path = ROOT / ".build" / f"e2e-ledger-{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(FLOW.replace("CHECK", check).replace("CONCURRENCY", f"concurrency: {concurrency}"))
    return str(path)


def start(orders, wms):
    shop = demo_systems.Shop(orders=orders, page_size=50)
    shop_server = demo_systems.serve(shop.handler())
    wms_server = wms.serve()
    return shop, shop_server, wms_server


def add_instances(skein, shop_server, wms_server):
    skein.run("instance", "add", "shop", "--type", "http", "--address", f"http://127.0.0.1:{shop_server.server_port}")
    skein.run("instance", "add", "wms", "--type", "http", "--address", f"http://127.0.0.1:{wms_server.server_port}")


def paid_references(orders):
    return sorted(o["name"] for o in orders if o["financial_status"] == "paid")


def test_a_replay_onto_the_fixed_version_delivers_only_what_changed(skein):
    wms = WMS()
    shop, shop_server, wms_server = start(150, wms)
    try:
        add_instances(skein, shop_server, wms_server)
        skein.run("flow", "deploy", write_flow("v1", "one_of: [GBP]"))
        first = skein.run("run", "orders-to-wms")
        assert "run 1: success" in first.stdout
        paid = paid_references(shop.orders)
        assert len(paid) == 90
        assert sorted(wms.created) == paid and set(wms.created.values()) == {1}

        # One paid order changes in the shop; then a broken version fails on its check.
        changed = next(o for o in shop.orders if o["name"] == paid[7])
        changed["line_items"][0]["quantity"] += 5
        skein.run("flow", "deploy", write_flow("broken", "one_of: [EUR]"))
        broken = skein.run("run", "orders-to-wms", check=False)
        assert broken.returncode == 1 and "run 2: failure" in broken.stdout

        # The fix is deployed and the failed run replayed onto it from its fetch step.
        skein.run("flow", "deploy", write_flow("fixed", "one_of: [GBP, EUR]"))
        requests_before = wms.requests
        replay = skein.run("runs", "replay", "2", "fetch-orders", "--current")
        assert "run 3: success" in replay.stdout, replay.stdout

        # The warehouse received no duplicate: only the changed order, once more.
        assert wms.requests - requests_before == 1
        assert {ref: n for ref, n in wms.created.items() if n != 1} == {paid[7]: 2}
        assert wms.bodies[paid[7]]["lines"][0]["quantity"] == changed["line_items"][0]["quantity"]

        # The sync report: run 3 has 89 skipped entries, each naming the entry that delivered it, and one OK.
        entries = skein.json("sync", "list", "--all")["entries"]
        replayed = [e for e in entries if e["run"] == 3]
        assert sorted(e["status"] for e in replayed) == ["ok"] + ["skipped"] * 89
        first_run = {e["reference"]: e["sync_id"] for e in entries if e["run"] == 1}
        skipped = next(e for e in replayed if e["status"] == "skipped")
        shown = skein.run("sync", "show", str(skipped["sync_id"])).stdout
        assert f"sync entry {first_run[skipped['reference']]} (run 1, step post-to-wms)" in shown, shown
        assert skein.json("sync", "list", "--status", "skipped")["counts"]["skipped"] == 89

        # A resync of an OK entry is refused without --include-ok, and sends anyway with it.
        ok_entry = first_run[paid[0]]
        refused = skein.run("sync", "resync", str(ok_entry), check=False)
        assert refused.returncode != 0 and "--include-ok" in refused.stderr
        skein.run("sync", "resync", str(ok_entry), "--include-ok")
        assert wms.requests - requests_before == 2
        assert wms.created[paid[0]] == 1, "sent again with the same Idempotency-Key, so the warehouse created nothing"
    finally:
        shop_server.shutdown()
        wms_server.shutdown()


def crash_mid_delivery(skein, wms, orders, concurrency):
    """Queues a run of `orders` orders, kills `skein serve` with SIGKILL while it delivers,
    restarts it and waits for the run to finish; returns (run, paid references, concurrency)."""
    shop, shop_server, wms_server = start(orders, wms)
    try:
        add_instances(skein, shop_server, wms_server)
        skein.run("flow", "deploy", write_flow("crash", "one_of: [GBP]", concurrency=concurrency), "--disabled")
        run_id = str(skein.json("run", "orders-to-wms", "--queue")["run"])
        server = skein.serve("--lease", "2")
        paid = paid_references(shop.orders)
        wait_for(lambda: wms.requests >= len(paid) // 3, timeout=120, what="the warehouse to receive a third of the orders")
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        restarted = skein.serve("--lease", "2")
        try:
            run = wait_for(lambda: (lambda r: r if r["status"] not in ("queued", "started") else None)(skein.json("runs", "show", run_id)),
                           timeout=180, what="the resumed run to finish")
        finally:
            restarted.terminate()
            restarted.wait(timeout=30)
        return run, paid
    finally:
        shop_server.shutdown()
        wms_server.shutdown()


PSQL = "/usr/lib/postgresql/15/bin/psql"


def crash_a_worker_mid_delivery(skein, wms, orders, concurrency):
    """The same on PostgreSQL with one API process and two workers: the worker delivering is
    killed with SIGKILL and the other one takes the run over once its lease expires."""
    shop, shop_server, wms_server = start(orders, wms)
    processes = []
    try:
        add_instances(skein, shop_server, wms_server)
        skein.run("flow", "deploy", write_flow("crash-pg", "one_of: [GBP]", concurrency=concurrency), "--disabled")
        run_id = str(skein.json("run", "orders-to-wms", "--queue")["run"])
        processes.append(skein.serve("--role", "api"))
        workers = [skein.serve("--role", "worker", "--lease", "3") for _ in range(2)]
        processes += workers
        paid = paid_references(shop.orders)
        wait_for(lambda: wms.requests >= len(paid) // 3, timeout=120, what="the warehouse to receive a third of the orders")
        database = skein.env["SKEIN_DATABASE"]
        owner = subprocess.run([PSQL, "-X", "-A", "-t", database, "-c", f"SELECT lease_owner FROM runs WHERE id = {run_id}"],
                               capture_output=True, text=True, check=True).stdout.strip()
        delivering = [w for w in workers if f"worker={owner}" in open(w.log_path).read()]
        assert len(delivering) == 1, (owner, [open(w.log_path).read() for w in workers])
        os.kill(delivering[0].pid, signal.SIGKILL)
        delivering[0].wait()
        run = wait_for(lambda: (lambda r: r if r["status"] not in ("queued", "started") else None)(skein.json("runs", "show", run_id)),
                       timeout=180, what="the other worker to finish the run")
        return run, paid
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        shop_server.shutdown()
        wms_server.shutdown()


def crash(backend, skein, postgres_url, wms):
    """SQLite: one `skein serve` killed and restarted. PostgreSQL: the delivering one of two
    workers killed. Either way the shop has 1,667 orders, of which 1,000 are paid and sent."""
    if backend == "postgres":
        skein.env = {**os.environ, "SKEIN_DATABASE": postgres_url()}
        return crash_a_worker_mid_delivery(skein, wms, orders=1667, concurrency=4)
    return crash_mid_delivery(skein, wms, orders=1667, concurrency=4)


@pytest.fixture
def postgres_database(request):
    """A PostgreSQL database made only when a test asks for it (the SQLite cases need none)."""
    def make():
        return request.getfixturevalue("postgres_url")
    return make


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_9_while_delivering_to_a_warehouse_that_honours_idempotency_keys_creates_each_reference_once(skein, backend, postgres_database):
    wms = WMS(honour_keys=True, delay=0.01)
    run, paid = crash(backend, skein, postgres_database, wms)
    assert run["status"] == "success" and run["pickups"] == 2, run
    assert len(paid) == 1000 and sorted(wms.created) == paid
    assert set(wms.created.values()) == {1}, {r: n for r, n in wms.created.items() if n != 1}
    repeated_keys = [k for k, n in wms.keys_seen.items() if n > 1]
    assert len(repeated_keys) <= 4, f"at most the send's concurrency is repeated: {len(repeated_keys)}"
    print(f"{len(repeated_keys)} requests repeated with their key after the crash; the warehouse created nothing twice")
    entries = [e for e in skein.json("sync", "list", "--all")["entries"] if e["status"] == "ok"]
    assert len(entries) == len(paid)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_9_against_a_warehouse_that_ignores_keys_repeats_at_most_the_concurrency_and_flags_each(skein, backend, postgres_database):
    wms = WMS(honour_keys=False, delay=0.01)
    run, paid = crash(backend, skein, postgres_database, wms)
    assert run["status"] == "success" and run["pickups"] == 2, run
    assert sorted(wms.created) == paid
    twice = sorted(r for r, n in wms.created.items() if n > 1)
    assert len(twice) <= 4 and set(wms.created.values()) <= {1, 2}
    # Every send whose answer the crash lost is flagged: those the warehouse got twice, and any
    # claimed just before the kill that never left (it cannot tell), at most the concurrency.
    def flagged_reference(entry):
        history = skein.run("sync", "show", str(entry["sync_id"])).stdout
        return entry["reference"] if "unconfirmed and repeated" in history else None

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        flagged = [r for r in pool.map(flagged_reference, skein.json("sync", "list", "--all")["entries"]) if r]
    assert set(twice) <= set(flagged) and len(flagged) <= 4, (flagged, twice)
    print(f"{len(twice)} references delivered twice by the crash, each flagged on its entry")
