"""Done-when of the flow builder: the demo flow built in a real browser from nothing — the
new-flow form, then each shape added from the type picker and filled in through the forms the
shape specs generate (no YAML typed; mappings and lists are JSON in their fields) — deployed,
run against the demo shop and ERP on 127.0.0.1 with the same run and sync results as the
CLI-deployed demo; then a map field changed on the canvas, v2 deployed, v1/v2 diffed, v1
rolled back as v3 (v3's text is v1's); a viewer sees all of it read-only."""
import json
import re

from playwright.sync_api import expect, sync_playwright

from test_demo_flow import paid_orders
from browser_support import launch_chromium, sign_in

SHAPES = [
    ("fetch-orders", "http", {"instance": "shop", "direction": "receive", "method": "GET", "path": "/orders",
                              "pagination": {"type": "page", "param": "page", "start": 1}, "items_path": "orders", "max_pages": 50}),
    ("each-order", "split", {"path": "orders"}),
    ("paid-only", "filter", {"where": [{"field": "financial_status", "equals": "paid"}]}),
    ("to-erp-format", "map", {"fields": {"order_number": "id", "reference": "name", "customer.email": "customer.email",
                                         "customer.name": "customer.first_name", "total": "total_price", "currency": "currency",
                                         "lines": "line_items"}}),
    ("has-lines", "assert", {"that": [{"field": "lines", "exists": True}]}),
    ("post-to-erp", "http", {"instance": "erp", "direction": "send", "method": "POST", "path": "/orders", "body": "json",
                             "sync": {"system": "ERP", "reference": "reference", "source_id": "order_number", "endpoint_id": "erp_id"}}),
]


def fill(page, field, value):
    control = page.locator(f'#shape-drawer [data-field="{field}"]')
    if control.evaluate("node => node.tagName") == "SELECT":
        control.select_option(str(value).lower() if isinstance(value, bool) else str(value))
    elif isinstance(value, (dict, list)):
        control.fill(json.dumps(value))
    else:
        control.fill(str(value))


def test_the_demo_flow_is_built_deployed_run_changed_diffed_and_rolled_back_in_the_browser(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    builder = skein.add_user("bea", role="builder")
    viewer = skein.add_user("vic", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            sign_in(page, base, "bea", builder)
            page.goto(base + "/flows/new")
            page.fill("#new-id", "orders-to-erp")
            page.fill("#new-name", "Paid shop orders to the ERP")
            page.select_option("#new-trigger", "manual")
            page.click("#new-flow-create")

            previous = None
            for shape_id, shape_type, settings in SHAPES:
                if previous is None:
                    page.select_option("#add-first-type", shape_type)
                    page.click("#add-first")
                else:
                    page.click(f'.canvas-box[data-shape="{previous}"]')
                    page.select_option("#add-type", shape_type)
                    page.click("#shape-add")
                fill(page, "id", shape_id)
                for field, value in settings.items():
                    fill(page, field, value)
                page.click("#shape-save")
                expect(page.locator(f'.canvas-box[data-shape="{shape_id}"]')).to_be_visible()
                previous = shape_id
            page.click("#draft-deploy")
            expect(page.locator(".notice", has_text="Deployed v1")).to_be_visible()

            # The same run and sync results as the CLI-deployed demo (test_demo_flow.py).
            assert "run 1: success" in skein.run("run", "orders-to-erp").stdout
            expected = paid_orders(shop)
            assert sorted(int(k) for k in erp.system.received) == sorted(o["id"] for o in expected)
            assert erp.system.received[str(expected[0]["id"])] == {
                "order_number": expected[0]["id"], "reference": expected[0]["name"],
                "customer": {"email": expected[0]["customer"]["email"], "name": expected[0]["customer"]["first_name"]},
                "total": expected[0]["total_price"], "currency": "GBP", "lines": expected[0]["line_items"],
            }
            run = skein.json("runs", "show", "1")
            assert run["status"] == "success"
            steps = {s["shape"]: s for s in run["steps"]}
            assert [s["shape"] for s in run["steps"]] == [s[0] for s in SHAPES]
            assert steps["fetch-orders"]["payloads_out"] == 3 and steps["each-order"]["payloads_out"] == 25
            assert steps["paid-only"]["payloads_out"] == len(expected) and steps["post-to-erp"]["payloads_out"] == len(expected)
            entries = skein.json("sync", "list", "--all")["entries"]
            assert sorted(e["reference"] for e in entries) == sorted(o["name"] for o in expected)
            assert {e["status"] for e in entries} == {"ok"}
            v1 = skein.run("flow", "draft", "show", "orders-to-erp").stdout

            # The run on the canvas: every shape succeeded, with its counts.
            page.goto(base + "/flows/orders-to-erp?run=1")
            expect(page.locator("#canvas-each-order")).to_contain_text("3 → 25")
            expect(page.locator("#canvas-post-to-erp.ran-success")).to_be_visible()

            # A map field changed on the canvas, deployed as v2, diffed, rolled back as v3.
            page.goto(base + "/flows/orders-to-erp")
            page.click('.canvas-box[data-shape="to-erp-format"]')
            fields = dict(SHAPES[3][2]["fields"], total="$number(total_price)")
            fill(page, "fields", fields)
            # The live preview: the unsaved rules tried on what the step received in run 1, nested as a run nests them.
            expect(page.locator("#preview-output")).to_contain_text(re.compile(r'"total": [0-9]'))
            expect(page.locator("#preview-status")).to_contain_text(f"Payload 1 of {len(expected)} that to-erp-format received in run 1")
            previewed = json.loads(page.locator("#preview-output").text_content())
            order = next(o for o in expected if o["id"] == previewed["order_number"])
            assert previewed["customer"] == {"email": order["customer"]["email"], "name": order["customer"]["first_name"]}
            assert previewed["total"] == float(order["total_price"]) and previewed["reference"] == order["name"]
            page.click("#preview-next")
            expect(page.locator("#preview-status")).to_contain_text(f"Payload 2 of {len(expected)}")
            assert json.loads(page.locator("#preview-output").text_content())["order_number"] != order["id"]
            assert len(erp.system.received) == len(expected), "a preview sends nothing"
            page.click("#shape-save")
            expect(page.locator("#draft-bar")).to_contain_text("Draft saved by bea")
            page.click("#draft-deploy")
            expect(page.locator(".notice", has_text="Deployed v2")).to_be_visible()
            page.click("#version-2 >> text=Diff with v1")
            expect(page.locator("#diff-to-erp-format")).to_contain_text("changed")
            expect(page.locator("#diff-to-erp-format")).to_contain_text("$number(total_price)")
            expect(page.locator("#diff-fetch-orders")).to_contain_text("unchanged")
            page.go_back()
            page.click("#rollback-1")
            expect(page.locator(".notice", has_text="Rolled back to v1 as v3")).to_be_visible()
            assert skein.run("flow", "draft", "show", "orders-to-erp").stdout == v1, "v3's text is v1's"

            # A viewer: canvas, forms, versions and the diff, read-only.
            viewer_page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(viewer_page, base, "vic", viewer)
            viewer_page.goto(base + "/flows/orders-to-erp")
            expect(viewer_page.locator("#canvas-readonly")).to_be_visible()
            expect(viewer_page.locator("#draft-deploy, #add-first, [data-rollback]")).to_have_count(0)
            viewer_page.click('.canvas-box[data-shape="to-erp-format"]')
            expect(viewer_page.locator('#shape-drawer [data-field="fields"]')).to_be_disabled()
            expect(viewer_page.locator("#shape-save, #shape-remove, #shape-add")).to_have_count(0)
            viewer_page.goto(base + "/flows/orders-to-erp/diff?from=1&to=2")
            expect(viewer_page.locator("#diff-to-erp-format")).to_contain_text("changed")
            viewer_page.goto(base + "/flows/new")
            expect(viewer_page.locator("#new-flow")).to_have_count(0)
            status = viewer_page.evaluate("""async () => (await fetch("/api/v1/flows/orders-to-erp/draft/edits", {method: "POST",
                credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
                body: JSON.stringify({edits: [{op: "remove", shape: "has-lines"}]})})).status""")
            assert status == 403
            status = viewer_page.evaluate("""async () => (await fetch("/api/v1/flows/orders-to-erp/preview", {method: "POST",
                credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
                body: JSON.stringify({shape: {id: "paid-only", filter: {where: [{field: "financial_status", equals: "paid"}]}}})})).status""")
            assert status == 403, "previews are for builders"
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
