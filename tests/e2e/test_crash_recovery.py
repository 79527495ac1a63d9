"""`kill -9` of `skein serve` in the middle of a run loses nothing: after a restart the run
is resumed from the interrupted step and finishes, every accepted payload is still stored,
and the ERP (which de-duplicates by order number) holds each order once."""
import json
import os
import signal

from conftest import DEMO_FLOW, make_erp, wait_for


def test_kill_9_mid_run_then_restart_resumes_the_run(skein, shop):
    erp = make_erp(delay=0.15)  # a slow ERP, so the send step is mid-way when the worker dies
    try:
        skein.add_demo_instances(shop, erp)
        skein.run("flow", "deploy", str(DEMO_FLOW), "--disabled")  # no schedule firing during the test
        queued = skein.json("run", "orders-to-erp", "--queue")
        run_id = str(queued["run"])

        server = skein.serve("--lease", "2")
        # Wait until the ERP has received some, but not all, orders: the send step is running.
        wait_for(lambda: erp.system.requests >= 3, timeout=90, what="the ERP to receive orders")
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        before = skein.json("runs", "show", run_id)
        assert before["status"] == "started"
        assert before["steps"][-1]["shape"] == "post-to-erp"
        assert before["steps"][-1]["status"] == "running"
        delivered_before = erp.system.requests

        restarted = skein.serve("--lease", "2")
        try:
            run = wait_for(lambda: (lambda r: r if r["status"] not in ("queued", "started") else None)(skein.json("runs", "show", run_id)),
                           timeout=120, what="the resumed run to finish")
        finally:
            restarted.terminate()
            restarted.wait(timeout=30)

        assert run["status"] == "success", run
        assert run["pickups"] == 2
        send = run["steps"][-1]
        assert send["shape"] == "post-to-erp" and send["status"] == "success"
        assert any("resumed" in w for w in send["warnings"])
        paid = [o["id"] for o in shop.system.orders if o["financial_status"] == "paid"]
        assert sorted(int(k) for k in erp.system.received) == sorted(paid)
        assert erp.system.requests > delivered_before
        # Every payload of every finished step is still in storage.
        for step in run["steps"]:
            for index in range(step["payloads_out"]):
                shown = skein.run("payload", "show", run_id, str(step["sequence"]), "--index", str(index))
                assert shown.stdout.strip()
        page = json.loads(skein.run("payload", "show", run_id, "fetch-orders", "--index", "0").stdout)
        assert len(page["orders"]) == 10
    finally:
        erp.shutdown()


def test_a_queued_run_survives_a_crash_before_any_worker_started_it(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", str(DEMO_FLOW), "--disabled")
    run_id = str(skein.json("run", "orders-to-erp", "--queue")["run"])
    assert skein.json("runs", "show", run_id)["status"] == "queued"
    server = skein.serve("--lease", "2")
    try:
        run = wait_for(lambda: (lambda r: r if r["status"] == "success" else None)(skein.json("runs", "show", run_id)),
                       timeout=60, what="the queued run to succeed")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert run["trigger"] == "manual"


def finished(skein, run_id):
    run = skein.json("runs", "show", run_id)
    return run if run["status"] not in ("queued", "started") else None


def test_a_restarted_serve_takes_back_its_interrupted_run_at_once(skein, shop):
    """With a ten-minute lease, a run interrupted by `kill -9` would wait ten minutes for another
    pick-up; the restarted process knows the run was its own (same worker slot) and resumes it
    at once. The wait below gives up long before the lease would expire."""
    erp = make_erp(delay=0.15)
    try:
        skein.add_demo_instances(shop, erp)
        skein.run("flow", "deploy", str(DEMO_FLOW), "--disabled")
        run_id = str(skein.json("run", "orders-to-erp", "--queue")["run"])
        server = skein.serve("--lease", "600")
        wait_for(lambda: erp.system.requests >= 3, timeout=90, what="the ERP to receive orders")
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        assert skein.json("runs", "show", run_id)["status"] == "started"

        restarted = skein.serve("--lease", "600")
        try:
            run = wait_for(lambda: finished(skein, run_id), timeout=120, what="the restarted serve to resume its run")
        finally:
            restarted.terminate()
            restarted.wait(timeout=30)
        assert run["status"] == "success" and run["pickups"] == 2, run
        log = open(restarted.log_path).read()
        assert "resuming runs this worker was executing when it stopped" in log and f"runs={run_id}" in log, log
    finally:
        erp.shutdown()


def test_a_second_serve_on_the_same_data_directory_leaves_a_live_run_alone(skein, shop):
    """Two live processes never share a worker identity: a second `skein serve` started while the
    first executes a run takes the next worker slot, so it does not mistake that run for its own
    interrupted one. The run finishes where it started, picked up once."""
    erp = make_erp(delay=0.15)
    try:
        skein.add_demo_instances(shop, erp)
        skein.run("flow", "deploy", str(DEMO_FLOW), "--disabled")
        run_id = str(skein.json("run", "orders-to-erp", "--queue")["run"])
        first = skein.serve("--lease", "600")
        second = None
        try:
            wait_for(lambda: erp.system.requests >= 3, timeout=90, what="the ERP to receive orders")
            second = skein.serve("--lease", "600")
            skein.listening_port(second)
            run = wait_for(lambda: finished(skein, run_id), timeout=120, what="the run to finish")
        finally:
            for process in (first, second):
                if process:
                    process.terminate()
                    process.wait(timeout=30)
        assert run["status"] == "success" and run["pickups"] == 1, run
        assert "/slot-0" in open(first.log_path).read() and "/slot-1" in open(second.log_path).read()
        paid = [o["id"] for o in shop.system.orders if o["financial_status"] == "paid"]
        assert sorted(int(k) for k in erp.system.received) == sorted(paid)
    finally:
        erp.shutdown()
