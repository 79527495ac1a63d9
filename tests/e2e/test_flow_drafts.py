"""Drafts and versions from the command line (`skein flow draft|versions|diff|rollback`),
against the real binary and data directory, as docs/flows.md tells a user to: the draft keeps the
file as written (comments too), deploy makes the next version, a rollback deploys an old version
as the next one, and the API's audit log names who deployed and rolled back."""
from api_client import API
from conftest import DEMO_FLOW


def test_draft_deploy_diff_and_rollback_from_the_cli(skein, tmp_path):
    v1 = DEMO_FLOW.read_text()
    flow = tmp_path / "orders.yaml"
    flow.write_text(v1)
    saved = skein.run("flow", "draft", "save", str(flow))
    assert "saved the draft of flow 'orders-to-erp' (a new flow)" in saved.stdout
    assert skein.json("flow", "list") == [], "a draft is not deployed"
    assert "as version 1" in skein.run("flow", "draft", "deploy", "orders-to-erp").stdout

    # An edit with a mistake is saved with its located problems, and refused at deploy.
    flow.write_text(v1.replace("order_number: id\n", "order_number: id\n        oops: $nosuch(\n"))
    saved = skein.json("flow", "draft", "save", str(flow))
    assert saved["valid"] is False
    assert any(p["path"].startswith("shapes[3].map.fields") for p in saved["problems"]), saved
    refused = skein.run("flow", "draft", "deploy", "orders-to-erp", check=False)
    assert refused.returncode == 1 and "shapes[3].map.fields" in refused.stderr

    v2 = v1.replace("order_number: id", "order_number: $string(id)")
    flow.write_text(v2)
    skein.run("flow", "draft", "save", str(flow))
    shown = skein.run("flow", "draft", "show", "orders-to-erp")
    assert shown.stdout == v2 and "from version 1" in shown.stderr
    assert "as version 2" in skein.run("flow", "draft", "deploy", "orders-to-erp").stdout

    diff = skein.run("flow", "diff", "orders-to-erp", "1", "2").stdout
    assert "~ to-erp-format at shapes[3]" in diff and '"order_number":"$string(id)"' in diff.replace(" ", "")
    assert "fetch-orders" not in diff, "unchanged shapes are not listed"

    rolled = skein.run("flow", "rollback", "orders-to-erp", "--to", "1").stdout
    assert "rolled back flow 'orders-to-erp' as version 3" in rolled
    assert [v["version"] for v in skein.json("flow", "versions", "orders-to-erp")] == [3, 2, 1]
    assert "are the same flow" in skein.run("flow", "diff", "orders-to-erp", "1", "3").stdout
    # Version 3 is version 1's text exactly, comments included.
    assert skein.run("flow", "draft", "show", "orders-to-erp").stdout == v1

    missing = skein.run("flow", "rollback", "orders-to-erp", "--to", "9", check=False)
    assert missing.returncode == 1 and "has no version 9" in missing.stderr

    # The audit log (read through the API as an admin) names who deployed and rolled back.
    skein.add_user("ada", role="admin")
    token = skein.create_token("ada")
    process, base = skein.serve_api()
    try:
        entries = API(base, token).get("/api/v1/audit?action=flow.").json["entries"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    trail = [(e["action"], e["actor"], e["details"].get("version")) for e in reversed(entries)]
    assert trail == [("flow.deploy", "skein (cli)", 1), ("flow.deploy", "skein (cli)", 2), ("flow.rollback", "skein (cli)", 3)]


def test_canvas_edits_through_the_api_keep_a_yaml_flows_comments(skein, tmp_path):
    """`POST /api/v1/flows/{flow}/draft/edits` on the commented demo flow: a map field changed,
    a shape added and one skipped change only their own text; a bad edit is refused with where."""
    v1 = DEMO_FLOW.read_text()
    flow = tmp_path / "orders.yaml"
    flow.write_text(v1)
    skein.run("flow", "deploy", str(flow))
    skein.add_user("bea", role="builder")
    skein.add_user("vic", role="viewer")
    builder, viewer = skein.create_token("bea"), skein.create_token("vic")
    process, base = skein.serve_api()
    try:
        api = API(base, builder)
        edited = api.post("/api/v1/flows/orders-to-erp/draft/edits", {"edits": [
            {"op": "set", "shape": "to-erp-format", "field": "map.fields.total", "value": "$number(total_price)"},
            {"op": "add", "after": "paid-only", "shape": {"id": "gbp-only", "filter": {"where": [{"field": "currency", "equals": "GBP"}]}}},
            {"op": "skip", "shape": "has-lines", "skip": True},
        ]})
        assert edited.status == 200, edited.body
        assert edited.json["added_shapes"] == ["gbp-only"]
        expected = v1.replace("total: total_price", 'total: "$number(total_price)"').replace(
            "      where: [ { field: financial_status, equals: paid } ]\n",
            "      where: [ { field: financial_status, equals: paid } ]\n  - id: gbp-only\n    filter:\n      where:\n"
            "        - field: currency\n          equals: GBP\n").replace("  - id: has-lines\n", "  - id: has-lines\n    skip: true\n")
        assert edited.json["source"] == expected
        assert skein.run("flow", "draft", "show", "orders-to-erp").stdout == expected

        bad = api.post("/api/v1/flows/orders-to-erp/draft/edits", {"edits": [{"op": "set", "shape": "fetch-orders", "field": "http.max_pages", "value": 0}]})
        assert bad.status == 400 and bad.json["error"]["code"] == "invalid_flow"
        assert bad.json["error"]["details"]["problems"][0]["path"] == "shapes[0].http.max_pages"
        refused = API(base, viewer).post("/api/v1/flows/orders-to-erp/draft/edits", {"edits": [{"op": "remove", "shape": "has-lines"}]})
        assert refused.status == 403
        assert skein.run("flow", "draft", "show", "orders-to-erp").stdout == expected, "refused edits change nothing"
    finally:
        process.terminate()
        process.wait(timeout=30)
