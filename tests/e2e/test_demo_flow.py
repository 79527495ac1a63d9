"""The demo flow end to end: orders pulled from a real HTTP shop, split, filtered, mapped,
checked and posted one by one to a real HTTP ERP; the run, each step and each payload are
visible through `skein runs show` and `skein payload show`."""
import json

from conftest import DEMO_FLOW, demo_flow_text


def paid_orders(shop):
    return [o for o in shop.system.orders if o["financial_status"] == "paid"]


def test_demo_flow_moves_paid_orders_from_shop_to_erp(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    assert "deployed flow 'orders-to-erp' as version 1" in skein.run("flow", "deploy", str(DEMO_FLOW)).stdout

    result = skein.run("run", "orders-to-erp")
    assert "run 1: success" in result.stdout

    expected = paid_orders(shop)
    received = erp.system.received
    assert sorted(int(k) for k in received) == sorted(o["id"] for o in expected)
    sample = received[str(expected[0]["id"])]
    assert sample == {
        "order_number": expected[0]["id"],
        "reference": expected[0]["name"],
        "customer": {"email": expected[0]["customer"]["email"], "name": expected[0]["customer"]["first_name"]},
        "total": expected[0]["total_price"],
        "currency": "GBP",
        "lines": expected[0]["line_items"],
    }

    run = skein.json("runs", "show", "1")
    assert run["status"] == "success"
    steps = {s["shape"]: s for s in run["steps"]}
    assert [s["shape"] for s in run["steps"]] == ["fetch-orders", "each-order", "paid-only", "to-erp-format", "has-lines", "post-to-erp"]
    assert steps["fetch-orders"]["payloads_out"] == 3  # 25 orders in pages of 10, then an empty page ends it
    assert steps["each-order"]["payloads_out"] == 25
    assert steps["paid-only"]["payloads_out"] == len(expected)
    assert steps["post-to-erp"]["payloads_out"] == len(expected)
    assert len(steps["post-to-erp"]["calls"]) == len(expected)
    assert steps["post-to-erp"]["calls"][0]["status"] == 201

    text = skein.run("runs", "show", "1").stdout
    assert "post-to-erp" in text and "success" in text

    page = json.loads(skein.run("payload", "show", "1", "fetch-orders", "--index", "1").stdout)
    assert [o["id"] for o in page["orders"]] == [o["id"] for o in shop.system.orders[10:20]]
    mapped = json.loads(skein.run("payload", "show", "1", "to-erp-format", "--index", "0").stdout)
    assert mapped["order_number"] == expected[0]["id"]

    # The demo's send step keeps a sync report, so a newcomer's report page is not empty.
    entries = skein.json("sync", "list", "--all")["entries"]
    assert sorted(e["reference"] for e in entries) == sorted(o["name"] for o in expected)
    assert {e["status"] for e in entries} == {"ok"}
    assert {e["endpoint_id"] for e in entries} == {f"ERP-{o['id']}" for o in expected}


def test_a_failing_run_is_listed_with_the_failed_step(skein, shop):
    # The ERP instance points at a port where nothing listens.
    skein.run("instance", "add", "shop", "--type", "http", "--address", f"http://127.0.0.1:{shop.server_port}")
    skein.run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9", "--timeout", "2s")
    flow = demo_flow_text().replace("attempts: 4, backoff: 500ms, max_backoff: 5s", "attempts: 2, backoff: 100ms")
    path = DEMO_FLOW.parent.parent.parent / ".build" / "e2e-unreachable.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(flow)
    skein.run("flow", "deploy", str(path))
    result = skein.run("run", "orders-to-erp", check=False)
    assert result.returncode == 1
    assert "failure" in result.stdout
    failures = skein.json("runs", "list", "--status", "failure")
    assert len(failures) == 1
    assert failures[0]["failed_step"] == "post-to-erp"
    assert "erp" in failures[0]["error"]
