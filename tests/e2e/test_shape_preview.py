"""The flow builder's live preview through the API (`POST /api/v1/flows/{flow}/preview`): a
shape's unsaved settings tried on a payload its step really received in a stored run — the same
validation and executor as a run, nothing sent — and the refusals a builder meets (a shape that
talks to a system, bad settings with their located problem, a step that never ran, a viewer)."""
import json

from api_client import API
from conftest import DEMO_FLOW
from test_demo_flow import paid_orders


def preview(base, token, body, flow="orders-to-erp"):
    answer = API(base, token).post(f"/api/v1/flows/{flow}/preview", body)
    return answer.status, answer.json


def test_a_builder_tries_unsaved_settings_on_what_the_step_received(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", str(DEMO_FLOW))
    assert "run 1: success" in skein.run("run", "orders-to-erp").stdout
    skein.add_user("bea", role="builder")
    skein.add_user("vic", role="viewer")
    builder, viewer = skein.create_token("bea"), skein.create_token("vic", name="viewer")
    delivered = len(erp.system.received)
    server, base = skein.serve_api()
    try:
        # A filter on the third order the split passed on: kept when paid, dropped otherwise.
        order = shop.system.orders[2]
        status, body = preview(base, builder, {"shape": {"id": "paid-only", "filter": {"where": [{"field": "financial_status", "equals": "paid"}]}}, "index": 2})
        assert status == 200, body
        assert (body["run"], body["index"], body["input_count"]) == (1, 2, 25)
        assert body["input"]["id"] == order["id"]
        assert body["output_count"] == (1 if order["financial_status"] == "paid" else 0) and body["failure"] is None
        # The CLI answers the same, through the same operation.
        paid_only = {"id": "paid-only", "filter": {"where": [{"field": "financial_status", "equals": "paid"}]}}
        assert skein.json("flow", "preview", "orders-to-erp", json.dumps(paid_only), "--index", "2") == body
        text = skein.run("flow", "preview", "orders-to-erp", json.dumps(paid_only), "--index", "2").stdout
        assert "payload 2 (of 25) that 'paid-only' received in run 1:" in text
        assert ("passed on 1 payload:" if order["financial_status"] == "paid" else "nothing passed on (dropped)") in text

        # A map with a rule that is not saved anywhere: nested targets, the real evaluation.
        status, body = preview(base, builder, {"shape": {"id": "to-erp-format", "map": {"fields": {
            "buyer.contact.email": "$uppercase(customer.email)", "items": "$count(line_items)"}}}})
        first = paid_orders(shop)[0]
        assert status == 200, body
        assert body["input_count"] == len(paid_orders(shop))
        assert body["outputs"] == [{"buyer": {"contact": {"email": first["customer"]["email"].upper()}}, "items": len(first["line_items"])}]

        # An assert that fails says why, as the run would.
        status, body = preview(base, builder, {"shape": {"id": "has-lines", "assert": {"that": [{"field": "gift_card", "exists": True}]}}})
        assert status == 200 and body["output_count"] == 0 and "gift_card" in body["failure"], body

        # Refusals: a shape that talks to a system, bad settings (located), an index too far, a step that never ran, a viewer.
        status, body = preview(base, builder, {"shape": {"id": "post-to-erp", "http": {"instance": "erp", "direction": "send", "path": "/orders"}}})
        assert status == 400 and body["error"]["field"] == "shape" and "touch no system" in body["error"]["message"], body
        status, body = preview(base, builder, {"shape": {"id": "to-erp-format", "map": {"fields": {}}}})
        assert status == 400 and body["error"]["code"] == "invalid_flow", body
        assert any(p["path"].startswith("to-erp-format.map.fields") for p in body["error"]["details"]["problems"]), body
        status, body = preview(base, builder, {"shape": {"id": "paid-only", "filter": {"where": [{"field": "x", "exists": True}]}}, "index": 25})
        assert status == 400 and body["error"]["field"] == "index" and "received 25 payloads" in body["error"]["message"], body
        status, body = preview(base, builder, {"shape": {"id": "brand-new", "split": {"path": "lines"}}})
        assert status == 409 and "has not run" in body["error"]["message"], body
        status, body = preview(base, viewer, {"shape": {"id": "paid-only", "filter": {"where": [{"field": "x", "exists": True}]}}})
        assert status == 403, body
        assert len(erp.system.received) == delivered and [r["id"] for r in skein.json("runs", "list")] == [1], "a preview sends and starts nothing"
    finally:
        server.terminate()
        server.wait(timeout=30)
