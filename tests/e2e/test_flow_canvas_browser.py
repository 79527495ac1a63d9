"""The flow canvas in a real browser (Playwright, Debian's chromium, the real `skein serve`): a
builder opens the demo flow's canvas, changes a map field in the settings drawer (a form made
from the shape's spec), sees a bad value refused next to its field, adds a shape from the type
picker, skips one and deploys the draft — and the deployed YAML keeps every comment of the file
outside the edited text. A viewer sees the same canvas and settings read-only, and the server
refuses the viewer's edits."""
import json

from playwright.sync_api import expect, sync_playwright

from conftest import demo_flow_text
from browser_support import launch_chromium, sign_in



def comments(text):
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line and "$schema" not in line]


def test_a_builder_edits_the_canvas_and_a_viewer_only_looks(skein, tmp_path):
    text = demo_flow_text(sync=True)
    path = tmp_path / "orders-to-erp.yaml"
    path.write_text(text)
    skein.run("instance", "add", "shop", "--type", "http", "--address", "http://127.0.0.1:9")
    skein.run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9")
    skein.run("flow", "deploy", str(path))
    builder = skein.add_user("bea", role="builder")
    viewer = skein.add_user("vic", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            sign_in(page, base, "bea", builder)
            page.goto(base + "/flows/orders-to-erp")
            for shape in ["fetch-orders", "each-order", "paid-only", "to-erp-format", "has-lines", "post-to-erp"]:
                expect(page.locator(f'.canvas-box[data-shape="{shape}"]')).to_be_visible()

            # A map field, changed in the drawer's form (the fields mapping, as the spec's map kind).
            page.click('.canvas-box[data-shape="to-erp-format"]')
            fields = page.locator('#shape-drawer [data-field="fields"]')
            expect(fields).to_be_visible()
            current = json.loads(fields.input_value())
            assert current["total"] == "total_price"
            current["total"] = "$number(total_price)"
            fields.fill(json.dumps(current, indent=2))
            page.click("#shape-save")
            expect(page.locator(".notice", has_text="Saved to-erp-format to the draft")).to_be_visible()
            expect(page.locator("#draft-bar")).to_contain_text("Draft saved by bea")

            # A bad value is refused next to its field, with the path `skein flow validate` names.
            page.click('.canvas-box[data-shape="fetch-orders"]')
            page.fill('#shape-drawer [data-field="max_pages"]', "0")
            page.click("#shape-save")
            expect(page.locator("#drawer-problems")).to_contain_text("shapes[0].http.max_pages")
            expect(page.locator("#shape-drawer .field-problem")).to_be_visible()
            page.click("#shape-drawer [data-close]")

            # A shape added after another from the type picker, and one skipped.
            page.click('.canvas-box[data-shape="paid-only"]')
            page.select_option("#add-type", "split")
            page.click("#shape-add")
            page.fill('#shape-drawer [data-field="path"]', "line_items")
            page.click("#shape-save")
            expect(page.locator('.canvas-box[data-shape="split-1"]')).to_be_visible()
            # Moved up within its lane, before the shape above it.
            page.click('.canvas-box[data-shape="split-1"]')
            page.click("#shape-move-up")
            expect(page.locator(".notice", has_text="Moved split-1 up")).to_be_visible()
            order = page.locator("#canvas > ol.canvas-seq > li > .canvas-box").evaluate_all("nodes => nodes.map((node) => node.dataset.shape)")
            assert order.index("split-1") == order.index("paid-only") - 1, order
            page.click('.canvas-box[data-shape="has-lines"]')
            page.click("#shape-skip")
            expect(page.locator("#canvas-has-lines.skipped")).to_be_visible()

            page.click("#draft-deploy")
            expect(page.locator(".notice", has_text="Deployed v2")).to_be_visible()
            expect(page.locator("#draft-bar")).not_to_contain_text("Draft saved by")
            assert max(v["version"] for v in skein.json("flow", "versions", "orders-to-erp")) == 2
            source = skein.run("flow", "draft", "show", "orders-to-erp").stdout  # no draft: the latest version's text
            assert comments(source) == comments(text), "every comment of the file is still there"
            assert "total: $number(total_price)" in source or 'total: "$number(total_price)"' in source
            assert "  - id: split-1\n    split:\n      path: line_items\n" in source
            assert "  - id: has-lines\n    skip: true\n" in source
            assert "max_pages: 50" in source, "the refused edit changed nothing"

            # Versions: who deployed each, v1/v2 side by side, and a rollback to v1 as v3.
            expect(page.locator("#version-2 .deployer")).to_contain_text("bea")
            expect(page.locator("#version-1 .deployer")).to_contain_text("skein (cli)")
            page.click("#version-2 >> text=Diff with v1")
            expect(page.locator("#diff-to-erp-format")).to_contain_text("changed")
            expect(page.locator("#diff-to-erp-format")).to_contain_text("$number(total_price)")
            expect(page.locator("#diff-split-1")).to_contain_text("added")
            expect(page.locator("#diff-fetch-orders")).to_contain_text("unchanged")
            expect(page.locator("#diff-post-to-erp")).to_contain_text("moved")
            page.go_back()
            page.click("#rollback-1")
            expect(page.locator(".notice", has_text="Rolled back to v1 as v3")).to_be_visible()
            expect(page.locator("#version-3 .deployer")).to_contain_text("bea (rollback to v1)")
            assert skein.run("flow", "draft", "show", "orders-to-erp").stdout == text, "v3's text is v1's"
            page.select_option("#diff-from", "1")
            page.select_option("#diff-to", "3")
            page.click("#compare-form button")
            expect(page.locator("#diff-summary")).to_contain_text("the same flow")

            # A viewer: the canvas and the settings, read-only; the server refuses edits.
            viewer_page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(viewer_page, base, "vic", viewer)
            viewer_page.goto(base + "/flows/orders-to-erp")
            expect(viewer_page.locator("#canvas-readonly")).to_be_visible()
            expect(viewer_page.locator("#draft-deploy")).to_have_count(0)
            expect(viewer_page.locator("[data-rollback]")).to_have_count(0)
            expect(viewer_page.locator("#version-2")).to_contain_text("Diff with v1")
            viewer_page.click('.canvas-box[data-shape="to-erp-format"]')
            expect(viewer_page.locator('#shape-drawer [data-field="fields"]')).to_be_disabled()
            expect(viewer_page.locator("#shape-save")).to_have_count(0)
            expect(viewer_page.locator("#shape-remove")).to_have_count(0)
            status = viewer_page.evaluate("""async () => (await fetch("/api/v1/flows/orders-to-erp/draft/edits", {method: "POST",
                credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
                body: JSON.stringify({edits: [{op: "skip", shape: "paid-only", skip: true}]})})).status""")
            assert status == 403
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_new_flow_from_nothing_and_from_a_template(skein):
    builder = skein.add_user("bea", role="builder")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            sign_in(page, base, "bea", builder)

            # From nothing: id, name and trigger, then the first shape on the canvas, then deploy.
            page.goto(base + "/flows")
            page.click("#new-flow-link")
            page.fill("#new-id", "hello")
            page.fill("#new-name", "Hello")
            page.select_option("#new-trigger", "manual")
            page.click("#new-flow-create")
            expect(page).to_have_url(f"{base}/flows/hello?notice=Created%20the%20draft%20of%20%27hello%27.%20Add%20shapes%2C%20then%20deploy.")
            expect(page.locator("#draft-flow-problems")).to_contain_text("a flow needs at least one shape")
            expect(page.locator('#add-first-type option[value="payload"]')).to_have_count(1)
            page.select_option("#add-first-type", "payload")
            page.click("#add-first")
            page.fill('#shape-drawer [data-field="id"]', "greet")
            page.fill('#shape-drawer [data-field="json"]', '{"greeting": "hi"}')
            page.click("#shape-save")
            expect(page.locator('.canvas-box[data-shape="greet"]')).to_be_visible()
            page.click("#draft-deploy")
            expect(page.locator(".notice", has_text="Deployed v1")).to_be_visible()
            assert skein.run("run", "hello").returncode == 0
            assert skein.run("flow", "draft", "show", "hello").stdout == (
                "id: hello\nname: Hello\ntrigger: manual\nshapes:\n  - id: greet\n    payload:\n      json:\n        greeting: hi\n")

            # From the demo template: its text with the new id and name, comments and all.
            page.goto(base + "/flows/new")
            page.fill("#new-id", "my-orders")
            page.fill("#new-name", "My orders")
            page.select_option("#new-template", "orders-to-erp")
            page.click("#new-flow-create")
            for shape in ["fetch-orders", "each-order", "paid-only", "to-erp-format", "has-lines", "post-to-erp"]:
                expect(page.locator(f'.canvas-box[data-shape="{shape}"]')).to_be_visible()
            draft = skein.run("flow", "draft", "show", "my-orders").stdout
            assert draft == demo_flow_text(sync=True).replace("id: orders-to-erp\nname: Paid shop orders to the ERP", "id: my-orders\nname: My orders")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
