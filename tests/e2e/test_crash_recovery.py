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
