"""The REST API end to end with the demo systems: deploy a flow over HTTP, start it with data,
read the failed run, its steps and payloads (viewer form with [trimmed], raw download), retry
and replay it once the ERP is back, toggle a shape's skip, resync Failed sync entries one by
one and by filter, download the CSV, keep instance credentials write-only — and find each
change in the audit log. Also `POST /api/v1/expr`: value, undefined, error and stored input."""
import csv
import io
import json
import urllib.parse

import pytest

from api_client import API
from conftest import DEMO_FLOW, demo_flow_text, make_erp, wait_for

SYNC = '      sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }\n'
FINAL = {"success", "failure", "stopped", "partial_success"}


@pytest.fixture
def erp():
    server = make_erp(fail_first=10**9)  # down until a test says otherwise
    yield server
    server.shutdown()


@pytest.fixture
def apis(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.add_user("root", "admin")
    skein.add_user("bob", "builder")
    skein.add_user("otto", "operator")
    skein.add_user("vera", "viewer")
    process, base = skein.serve_api()
    clients = {role: API(base, skein.create_token(user)) for role, user in
               [("admin", "root"), ("builder", "bob"), ("operator", "otto"), ("viewer", "vera")]}
    clients["base"] = base
    yield clients
    process.terminate()
    process.wait(timeout=30)


def manual_flow(sync=False):
    text = demo_flow_text().replace('trigger: { schedule: "*/5 * * * *" }', "trigger: manual" + ("\nsync_retries: 0" if sync else ""))
    if sync:
        text = text.replace("      body: json\n", "      body: json\n" + SYNC)
    return text


def finished(api, run_id):
    def check():
        run = api.get(f"/api/v1/runs/{run_id}").json
        return run if run["status"] in FINAL else None
    return wait_for(check, timeout=90, what=f"run {run_id} to finish")


def test_deploy_run_inspect_retry_replay_and_skip_through_the_api(apis, erp):
    builder, operator, viewer, admin = apis["builder"], apis["operator"], apis["viewer"], apis["admin"]
    deployed = builder.post("/api/v1/flows", raw=manual_flow().encode(), content_type="application/yaml")
    assert deployed.status == 201 and deployed.json["version"] == 1 and deployed.json["new_version"] is True
    again = builder.post("/api/v1/flows", raw=manual_flow().encode(), content_type="application/yaml")
    assert again.status == 200 and again.json["new_version"] is False
    broken = builder.post("/api/v1/flows", raw=b"id: x\nshapes:\n  - id: a\n    nosuch: {}\n", content_type="application/yaml")
    assert broken.status == 400 and broken.code == "invalid_flow" and broken.json["error"]["details"]["problems"]
    assert [f["id"] for f in viewer.get("/api/v1/flows").json["flows"]] == ["orders-to-erp"]
    assert "fetch-orders" in viewer.get("/api/v1/flows/orders-to-erp").json["source"]

    started = operator.post("/api/v1/flows/orders-to-erp/runs", {})
    assert started.status == 202 and started.json["trigger"] == "api"
    failed = finished(viewer, started.json["id"])
    assert failed["status"] == "failure" and failed["failed_step"] == "post-to-erp"

    listed = viewer.get("/api/v1/runs?status=failure&flow=orders-to-erp&trigger=api&from=2000-01-01").json
    assert [r["id"] for r in listed["runs"]] == [failed["id"]]
    assert viewer.get("/api/v1/runs?status=lost").json["error"]["field"] == "status"
    steps = viewer.get(f"/api/v1/runs/{failed['id']}/steps").json["steps"]
    assert [s["shape"] for s in steps][-1] == "post-to-erp" and steps[-1]["status"] == "failure"

    payloads = viewer.get(f"/api/v1/runs/{failed['id']}/steps/fetch-orders/payloads").json["payloads"]
    assert len(payloads) >= 1 and payloads[0]["content_type"].startswith("application/json")
    view = viewer.get(f"/api/v1/runs/{failed['id']}/steps/fetch-orders/payloads/0?limit=100").json
    assert view["trimmed"] is True and "[trimmed] showing 100 of" in view["text"]
    raw = viewer.get(f"/api/v1/runs/{failed['id']}/steps/fetch-orders/payloads/0/raw")
    assert raw.status == 200 and len(raw.body) == payloads[0]["size"] and "orders" in json.loads(raw.body)
    assert viewer.get(f"/api/v1/runs/{failed['id']}/steps/fetch-orders/payloads/99").status == 404

    # Viewers read but do not re-run.
    assert viewer.post(f"/api/v1/runs/{failed['id']}/retry", {}).status == 403
    erp.system.fail_first = 0
    retry = operator.post(f"/api/v1/runs/{failed['id']}/retry", {})
    assert retry.status == 202 and retry.json["trigger"] == "retry" and retry.json["origin_run"] == failed["id"]
    assert finished(viewer, retry.json["id"])["status"] == "success"
    assert len(erp.system.received) == 15
    assert operator.post(f"/api/v1/runs/{retry.json['id']}/retry", {}).status == 409  # only failed runs

    replay = operator.post(f"/api/v1/runs/{failed['id']}/replay", {"step": "to-erp-format", "index": 0})
    assert replay.status == 202 and replay.json["entry_step"] == "has-lines"
    assert finished(viewer, replay.json["id"])["status"] == "success"
    assert erp.system.duplicates == 1
    bad = operator.post(f"/api/v1/runs/{failed['id']}/replay", {"step": "to-erp-format", "at": "sideways"})
    assert bad.status == 400 and bad.json["error"]["field"] == "at"
    assert operator.post(f"/api/v1/runs/{failed['id']}/replay", {"step": "nope"}).status == 404
    shown = viewer.get(f"/api/v1/runs/{failed['id']}").json
    assert [r["id"] for r in shown["follow_up_runs"]] == [retry.json["id"], replay.json["id"]]

    skipped = builder.call("PUT", "/api/v1/flows/orders-to-erp/shapes/has-lines/skip", body={"skip": True})
    assert skipped.status == 201 and skipped.json["version"] == 2
    assert next(s for s in skipped.json["shapes"] if s["id"] == "has-lines")["skip"] is True
    assert [v["version"] for v in viewer.get("/api/v1/flows/orders-to-erp/versions").json["versions"]] == [2, 1]
    # The YAML file is edited in place: every comment survives, only `skip: true` is added.
    v1_text = viewer.get("/api/v1/flows/orders-to-erp/versions/1").json["source"]
    v2_text = viewer.get("/api/v1/flows/orders-to-erp").json["source"]
    assert v2_text == v1_text.replace("  - id: has-lines\n", "  - id: has-lines\n    skip: true\n") and "# The demo flow" in v2_text
    assert builder.post("/api/v1/flows/orders-to-erp/disable").json["enabled"] is False
    assert operator.call("PUT", "/api/v1/flows/orders-to-erp/shapes/has-lines/skip", body={"skip": False}).status == 403

    audit = [(e["actor"], e["action"], e["target"]) for e in admin.get("/api/v1/audit?limit=100").json["entries"]]
    for expected in [("bob (token)", "flow.deploy", "flow:orders-to-erp"), ("otto (token)", "flow.run", "flow:orders-to-erp"),
                     ("otto (token)", "run.retry", f"run:{failed['id']}"), ("otto (token)", "run.replay", f"run:{failed['id']}"),
                     ("bob (token)", "flow.skip", "flow:orders-to-erp"), ("bob (token)", "flow.disable", "flow:orders-to-erp")]:
        assert expected in audit, expected
    replays = admin.get("/api/v1/audit?action=run.").json["entries"]
    assert {e["details"]["new_run"] for e in replays} == {retry.json["id"], replay.json["id"]}


def test_resync_by_id_and_by_filter_and_the_csv(apis, erp):
    builder, operator, viewer, admin = apis["builder"], apis["operator"], apis["viewer"], apis["admin"]
    assert builder.post("/api/v1/flows", raw=manual_flow(sync=True).encode(), content_type="application/yaml").status == 201
    run = operator.post("/api/v1/flows/orders-to-erp/runs", {}).json
    finished(viewer, run["id"])
    failed = viewer.get("/api/v1/sync?status=failed&limit=1000").json["entries"]
    assert len(failed) == 15 and {e["system"] for e in failed} == {"ERP"}
    assert viewer.get("/api/v1/sync/counts").json["counts"] == {"ok": 0, "sent": 0, "pending": 0, "failed": 15, "skipped": 0}
    page = viewer.get("/api/v1/sync?sort=reference&limit=4").json
    after = viewer.get("/api/v1/sync?sort=reference&limit=4&after=" + urllib.parse.quote(page["next"])).json
    assert len({e["sync_id"] for e in page["entries"] + after["entries"]}) == 8
    assert viewer.get("/api/v1/sync?days=30").json["error"]["field"] == "days"

    refused = viewer.post("/api/v1/sync/resync", {"ids": [failed[0]["sync_id"]]})
    assert refused.status == 403
    erp.system.fail_first = 0
    one = operator.post("/api/v1/sync/resync", {"ids": [failed[0]["sync_id"], failed[1]["sync_id"]]}).json
    assert one["resynced"] == 2 and one["tally"]["ok"] == 2
    rest = operator.post("/api/v1/sync/resync", {"filter": {"status": "failed", "system": ["ERP"]}}).json
    assert rest["resynced"] == 13 and rest["tally"]["ok"] == 13
    assert viewer.get("/api/v1/sync/counts").json["counts"]["ok"] == 15
    assert len(erp.system.received) == 15 and erp.system.duplicates == 0
    history = viewer.get(f"/api/v1/sync/{failed[0]['sync_id']}/transitions").json["transitions"]
    assert [(h["from"], h["to"]) for h in history] == [(None, "failed"), ("failed", "ok")]
    attempts = viewer.get(f"/api/v1/sync/{failed[0]['sync_id']}/attempts").json["attempts"]
    assert [(a["attempt"], a["status"], a["manual"]) for a in attempts] == [(1, "failed", False), (2, "ok", True)], attempts
    assert attempts[0]["response"] and attempts[1]["at"] >= attempts[0]["at"]
    assert viewer.get("/api/v1/sync/999999/attempts").status == 404
    entry = viewer.get(f"/api/v1/sync/{failed[0]['sync_id']}").json
    assert entry["status"] == "ok" and entry["payload"]["reference"] == entry["reference"]

    download = viewer.get("/api/v1/sync/csv?sort=reference")
    assert download.status == 200 and download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    listed = viewer.get("/api/v1/sync?sort=reference&limit=1000").json["entries"]
    assert rows[0][:4] == ["sync_id", "status", "system", "reference"]
    assert [r[3] for r in rows[1:]] == [e["reference"] for e in listed] and len(rows) == 16

    audit = admin.get("/api/v1/audit?action=sync.resync").json["entries"]
    assert [(e["actor"], e["details"]["count"]) for e in audit] == [("otto (token)", 13), ("otto (token)", 2)]


def test_instances_keep_credentials_write_only(apis):
    builder, operator, viewer = apis["builder"], apis["operator"], apis["viewer"]
    secret = "s3cret-value-never-shown"
    created = builder.call("PUT", "/api/v1/instances/crm", body={"type": "http", "address": "http://127.0.0.1:9",
                                                                  "credentials": {"token": secret}, "settings": {"auth": "bearer"}})
    assert created.status == 201 and created.json["credentials"] == ["token"]
    updated = builder.call("PUT", "/api/v1/instances/crm", body={"address": "http://127.0.0.1:10"})
    assert updated.status == 200 and updated.json["credentials"] == ["token"] and updated.json["address"] == "http://127.0.0.1:10"
    for answer in (created, updated, viewer.get("/api/v1/instances"), viewer.get("/api/v1/instances/crm")):
        assert secret not in answer.text
    tested = operator.post("/api/v1/instances/crm/test").json
    assert tested["ok"] is False and secret not in json.dumps(tested)
    assert viewer.call("DELETE", "/api/v1/instances/crm").status == 403
    assert builder.call("PUT", "/api/v1/instances/bad", body={"type": "http", "address": "x", "rate_limit": "fast"}).json["error"]["field"] == "rate_limit"
    assert builder.call("DELETE", "/api/v1/instances/crm").status == 204
    assert viewer.get("/api/v1/instances/crm").status == 404


def test_expressions_value_undefined_error_and_stored_input(apis, erp):
    viewer, operator, builder = apis["viewer"], apis["operator"], apis["builder"]
    value = viewer.post("/api/v1/expr", {"expression": "$sum(items.(qty * price)) * $rate",
                                         "input": {"items": [{"qty": 2, "price": 5}, {"qty": 1, "price": 3}]}, "bindings": {"rate": 2}}).json
    assert value == {"outcome": "value", "result": 26}
    assert viewer.post("/api/v1/expr", {"expression": "nothing.here", "input": {"a": 1}}).json == {"outcome": "undefined"}
    error = viewer.post("/api/v1/expr", {"expression": "items[qty > ]", "input": {}}).json
    assert error["outcome"] == "error" and error["error"]["code"] == "S0211" and error["error"]["position"] == 13
    assert error["error"]["caret"].splitlines() == ["items[qty > ]", " " * 12 + "^"]
    missing = viewer.post("/api/v1/expr", {"input": {}})
    assert missing.status == 400 and missing.json["error"]["field"] == "expression"

    builder.post("/api/v1/flows", raw=manual_flow().encode(), content_type="application/yaml")
    run = operator.post("/api/v1/flows/orders-to-erp/runs", {}).json
    finished(viewer, run["id"])
    stored = viewer.post("/api/v1/expr", {"expression": "$count(orders)", "payload": {"run": run["id"], "step": "fetch-orders", "index": 0}}).json
    assert stored["outcome"] == "value" and stored["result"] == 10  # the shop's first page
    gone = viewer.post("/api/v1/expr", {"expression": "$", "payload": {"run": run["id"], "step": "fetch-orders", "index": 7}})
    assert gone.status == 404 and "there is no index 7" in gone.json["error"]["message"]
