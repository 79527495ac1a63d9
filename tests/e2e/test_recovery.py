"""Recovering a failed sync without editing the flow (the Patchworks "re-sync a previous payload"
workaround, in one command): find the failed run, replay the payload the connector step
stored past the step that failed, or retry the run from its failed step."""
import json

from conftest import ROOT, make_erp

FLOW_V1 = """
id: shop-orders-sync
shapes:
  - id: fetch
    http:
      instance: shop
      direction: receive
      method: GET
      path: /orders
      pagination: { type: page, param: page, start: 1 }
      items_path: orders
  - id: check
    assert:
      that: [ { field: "orders[0].currency", CHECK } ]
  - id: each-order
    split: { path: orders }
  - id: paid-only
    filter:
      where: [ { field: financial_status, equals: paid } ]
  - id: to-erp-format
    map:
      fields:
        order_number: id
        reference: name
        total: total_price
        currency: currency
  - id: send
    http:
      instance: erp
      direction: send
      method: POST
      path: /orders
      body: json
"""


def write_flow(name, check):
    path = ROOT / ".build" / f"e2e-{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(FLOW_V1.replace("CHECK", check))
    return str(path)


def paid_ids(orders):
    return sorted(o["id"] for o in orders if o["financial_status"] == "paid")


def test_replay_the_stored_connector_payload_past_a_failed_assert(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    # Version 1 checks too strictly: the shop sells in GBP.
    skein.run("flow", "deploy", write_flow("strict", "one_of: [EUR]"))
    original_orders = list(shop.system.orders)
    failed = skein.run("run", "shop-orders-sync", check=False)
    assert failed.returncode == 1 and "run 1: failure" in failed.stdout
    assert erp.system.received == {}

    # The run log shows where it failed.
    failures = skein.json("runs", "list", "--status", "failure")
    assert [(r["id"], r["failed_step"]) for r in failures] == [(1, "check")]
    shown = skein.json("runs", "show", "1")
    assert [(s["shape"], s["status"]) for s in shown["steps"]] == [("fetch", "success"), ("check", "failure")]
    assert shown["steps"][0]["payloads_out"] == 3

    # Time passes: the shop no longer lists those orders, so re-running the flow would not sync them.
    shop.system.orders = []
    shop_requests = shop.system.requests
    # The check is corrected as version 2; the stored fetch payloads are replayed into it. One command.
    skein.run("flow", "deploy", write_flow("fixed", "one_of: [GBP, EUR]"))
    replay = skein.run("runs", "replay", "1", "fetch", "--current")
    assert "replay of run 1" in replay.stdout and "entering at 'check'" in replay.stdout
    assert "run 2: success" in replay.stdout
    assert shop.system.requests == shop_requests, "the replay must not call the shop again"

    # The ERP got each paid order exactly once.
    assert sorted(int(k) for k in erp.system.received) == paid_ids(original_orders)
    assert erp.system.duplicates == 0 and erp.system.requests == len(paid_ids(original_orders))

    new = skein.json("runs", "show", "2")
    assert (new["status"], new["trigger"], new["origin_run"], new["version"], new["entry_step"]) == ("success", "replay", 1, 2, "check")
    assert [s["shape"] for s in new["steps"]] == ["check", "each-order", "paid-only", "to-erp-format", "send"]
    # Sizes in and out: the check received exactly the bytes fetch stored, and passed them on.
    assert new["steps"][0]["bytes_in"] == shown["steps"][0]["bytes_out"] == new["steps"][0]["bytes_out"] > 1000
    assert new["steps"][1]["bytes_in"] == new["steps"][0]["bytes_out"]
    origin = skein.json("runs", "show", "1")
    assert [(r["id"], r["trigger"], r["status"]) for r in origin["follow_up_runs"]] == [(2, "replay", "success")]
    text = skein.run("runs", "show", "1").stdout
    assert "replayed as run 2: success, entering at 'check'" in text
    assert [r["id"] for r in skein.json("runs", "list", "--trigger", "replay")] == [2]


def test_replay_one_order_picked_with_a_jsonata_condition(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", write_flow("ok", "one_of: [GBP]"))
    skein.run("run", "shop-orders-sync")
    erp.system.received.clear()
    target = paid_ids(shop.system.orders)[2]

    # From the 25 one-order payloads the split produced, only the order with that id.
    result = skein.run("runs", "replay", "1", "each-order", "--where", f"id = {target}")
    assert "run 2: success" in result.stdout
    assert list(erp.system.received) == [str(target)]
    assert skein.json("runs", "show", "2")["steps"][0]["payloads_in"] == 1

    # From a page (an object), --item needs an array: a clear error, no run started.
    bad = skein.run("runs", "replay", "1", "fetch", "--item", "0", check=False)
    assert bad.returncode != 0 and "not an array" in bad.stderr
    bad = skein.run("runs", "replay", "1", "send", check=False)
    assert bad.returncode != 0 and "last step" in bad.stderr
    bad = skein.run("runs", "replay", "1", "fetch", "--where", "id = = 3", check=False)
    assert bad.returncode != 0 and "not a valid JSONata expression" in bad.stderr
    assert [r["id"] for r in skein.json("runs", "list")] == [2, 1]

    # Entering at the producing step itself re-runs it on its own output (the map is idempotent).
    erp.system.received.clear()
    same = skein.run("runs", "replay", "1", "to-erp-format", "--index", "0", "--at", "same")
    assert "entering at 'to-erp-format'" in same.stdout and "success" in same.stdout
    assert len(erp.system.received) == 1


def test_retry_a_failed_run_from_its_failed_step(skein, shop):
    erp = make_erp(fail_first=1000)
    try:
        skein.add_demo_instances(shop, erp)
        skein.run("flow", "deploy", write_flow("retry", "one_of: [GBP]"))
        assert skein.run("run", "shop-orders-sync", check=False).returncode == 1
        assert skein.json("runs", "show", "1")["failed_step"] == "send"
        calls = skein.run("runs", "show", "1", "--calls").stdout
        assert "POST http://127.0.0.1:" in calls and "-> 503" in calls and "ERP is down for maintenance" in calls

        erp.system.fail_first = 0  # the ERP is back
        result = skein.run("runs", "retry", "1")
        assert "retry of run 1" in result.stdout and "entering at 'send'" in result.stdout and "run 2: success" in result.stdout
        assert sorted(int(k) for k in erp.system.received) == paid_ids(shop.system.orders)
        assert erp.system.duplicates == 0
        retried = skein.json("runs", "show", "2")
        assert (retried["trigger"], retried["origin_run"], [s["shape"] for s in retried["steps"]]) == ("retry", 1, ["send"])
        assert "retried as run 2: success" in skein.run("runs", "show", "1").stdout

        # Bulk: two more failures; --all-failed retries those, not run 1 (already retried).
        erp.system.fail_first = erp.system.requests + 1000
        for _ in range(2):
            assert skein.run("run", "shop-orders-sync", check=False).returncode == 1
        erp.system.fail_first = 0
        bulk = skein.run("runs", "retry", "--all-failed", "--flow", "shop-orders-sync")
        assert "retry of run 3" in bulk.stdout and "retry of run 4" in bulk.stdout and "retry of run 1" not in bulk.stdout
        assert [r["origin_run"] for r in skein.json("runs", "list", "--trigger", "retry")] == [4, 3, 1]
        assert erp.system.duplicates == 2 * len(paid_ids(shop.system.orders))  # the ERP deduplicates re-sent orders
        assert skein.run("runs", "retry", "2", check=False).returncode != 0  # a successful run is not retried
    finally:
        erp.shutdown()


def test_serve_rejects_a_retention_that_is_not_a_duration(skein):
    result = skein.run("serve", "--keep-runs", "soon", check=False, timeout=30)
    assert result.returncode != 0
    assert "--keep-runs soon (flag): must be a duration such as 7d or 36h, or forever" in result.stderr
    result = skein.run("serve", "--keep-payloads", "0d", check=False, timeout=30)
    assert result.returncode != 0 and "--keep-payloads" in result.stderr


def test_a_queued_replay_is_executed_by_serve(skein, shop, erp):
    from conftest import wait_for
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", write_flow("queued", "one_of: [GBP]"))
    skein.run("run", "shop-orders-sync")
    erp.system.received.clear()
    queued = skein.json("runs", "replay", "1", "to-erp-format", "--queue")
    assert queued == {"run": 2, "status": "queued"}
    server = skein.serve("--keep-runs", "30d", "--keep-payloads", "7d", "--port", "0")
    try:
        run = wait_for(lambda: (r := skein.json("runs", "show", "2"))["status"] == "success" and r, what="the queued replay to finish")
        assert (run["trigger"], run["origin_run"], run["entry_step"]) == ("replay", 1, "send")
        assert sorted(int(k) for k in erp.system.received) == paid_ids(shop.system.orders)
    finally:
        server.terminate()
        server.wait(timeout=30)
