"""End-to-end tests of cross-reference lookups through the real `skein` binary: tables managed
with `skein lookup` (CSV import and export), and `$lookup` in a flow's map — a mapped code, an
unmatched code with the table's default, and an unmatched code without one (docs/lookups.md)."""
import http.client
import json
from pathlib import Path

import pytest


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


SHIP_FLOW = """
id: ship-orders
shapes:
  - id: each-order
    split: { path: orders }
  - id: to-wms
    map:
      fields:
        order: name
        carrier: '$lookup("shipping-codes", shipping_method)'
"""

ORDERS = {"orders": [{"name": "#1001", "shipping_method": "express"}, {"name": "#1002", "shipping_method": "drone"}]}


def payloads(skein, run, step, count):
    return [json.loads(skein.run("payload", "download", str(run), step, "--index", str(i)).stdout) for i in range(count)]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_map_translates_codes_falls_back_to_the_default_and_fails_on_the_payload_without_one(skein, tmp_path, backend, request, monkeypatch):
    if backend == "postgres":
        monkeypatch.setenv("SKEIN_DATABASE", request.getfixturevalue("postgres_url"))
    skein.run("lookup", "create", "shipping-codes", "--description", "shop method to WMS carrier", "--default", "STD")
    skein.run("lookup", "set", "shipping-codes", "express", "DHL-EXP")
    skein.run("flow", "deploy", write(tmp_path, "flow.yaml", SHIP_FLOW))
    orders = write(tmp_path, "orders.json", json.dumps(ORDERS))

    mapped = skein.json("run", "ship-orders", "--payload", orders)
    assert mapped["status"] == "success"
    assert payloads(skein, mapped["run"], "to-wms", 2) == [{"order": "#1001", "carrier": "DHL-EXP"}, {"order": "#1002", "carrier": "STD"}]

    # Without a default, the unmatched code fails the step on its payload; the run log says where and why.
    skein.run("lookup", "update", "shipping-codes", "--no-default")
    failed = skein.run("run", "ship-orders", "--payload", orders, "--json", check=False)
    assert failed.returncode == 1
    run = json.loads(failed.stdout.strip().splitlines()[-1])["run"]
    shown = skein.json("runs", "show", str(run))
    assert shown["status"] == "failure" and shown["failed_step"] == "to-wms"
    step = next(s for s in shown["steps"] if s["shape"] == "to-wms")
    assert step["error"] == ("step 'to-wms', map.fields.carrier, payload 1: JSONata L1002 at position 8: "
                             "lookup 'shipping-codes' has no row whose left value is 'drone' and no default")
    assert step["error_details"]["payload_index"] == 1 and step["error_details"]["code"] == "L1002"

    # A row added later is read by the next run (tables are read once per run, not cached across runs).
    skein.run("lookup", "set", "shipping-codes", "drone", "SKY")
    again = skein.json("run", "ship-orders", "--payload", orders)
    assert again["status"] == "success"
    assert payloads(skein, again["run"], "to-wms", 2)[1] == {"order": "#1002", "carrier": "SKY"}


def test_csv_import_updates_and_adds_export_round_trips_and_bad_files_name_their_line(skein, tmp_path):
    skein.run("lookup", "create", "warehouses")
    skein.run("lookup", "set", "warehouses", "london", "WH-1")
    skein.run("lookup", "set", "warehouses", "paris", "WH-2")
    csv = write(tmp_path, "wh.csv", 'left,right\r\nparis,WH-20\r\n"berlin, mitte",WH-3\r\nlondon,WH-1\r\n')
    assert skein.json("lookup", "import", "warehouses", csv) == {"added": 1, "updated": 1, "unchanged": 1}
    shown = skein.json("lookup", "show", "warehouses")
    assert shown["rows"] == [{"left": "london", "right": "WH-1"}, {"left": "paris", "right": "WH-20"},
                             {"left": "berlin, mitte", "right": "WH-3"}]
    exported = tmp_path / "out.csv"
    skein.run("lookup", "export", "warehouses", "-o", str(exported))
    assert exported.read_bytes() == b'left,right\r\nlondon,WH-1\r\nparis,WH-20\r\n"berlin, mitte",WH-3\r\n'
    skein.run("lookup", "create", "copy")
    skein.run("lookup", "import", "copy", str(exported))
    assert skein.json("lookup", "show", "copy")["rows"] == shown["rows"]
    assert [t["name"] for t in skein.json("lookup", "list")] == ["copy", "warehouses"]

    for text, message in [
        ("left,right\nrome,WH-4\nmilan\n", "bad.csv line 3: expected 2 fields (left,right), found 1"),
        ("code,value\na,b\n", "bad.csv line 1: the first line must be the header 'left,right'"),
        ('left,right\nrome,WH-4\n"oslo,WH-5\n', 'bad.csv line 3: a quoted field is not closed'),
        ("left,right\nrome,WH-4\nrome,WH-5\n", "bad.csv line 3: left value 'rome' already given on line 2"),
    ]:
        failed = skein.run("lookup", "import", "warehouses", write(tmp_path, "bad.csv", text), check=False)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
    assert skein.json("lookup", "show", "warehouses")["rows"] == shown["rows"], "a refused import changes nothing"

    big = tmp_path / "big.csv"
    big.write_text("left,right\n" + "".join(f"k{i:07d},{'v' * 40}\n" for i in range(120_000)))
    assert big.stat().st_size > 5 * 1024 * 1024
    failed = skein.run("lookup", "import", "warehouses", str(big), check=False)
    assert failed.returncode == 1 and "an import takes at most 5242880 bytes" in failed.stderr

    failed = skein.run("lookup", "remove-row", "warehouses", "nowhere", check=False)
    assert failed.returncode == 1 and "has no row whose left value is 'nowhere'" in failed.stderr
    skein.run("lookup", "remove-row", "warehouses", "paris")
    skein.run("lookup", "delete", "copy")
    failed = skein.run("lookup", "show", "copy", check=False)
    assert failed.returncode == 1 and "no lookup table named 'copy'" in failed.stderr
    failed = skein.run("lookup", "create", "Bad Name", check=False)
    assert failed.returncode == 1 and "lookup name 'Bad Name' must be lowercase" in failed.stderr


def test_skein_expr_reads_lookups(skein):
    skein.run("lookup", "create", "countries", "--default", "??")
    skein.run("lookup", "set", "countries", "United Kingdom", "GB")
    assert skein.json("expr", '$lookup("countries", "United Kingdom")') == "GB"
    assert skein.json("expr", '$lookup("countries", "GB", "reverse")') == "United Kingdom"
    assert skein.json("expr", '$lookup("countries", "Narnia")') == "??"
    failed = skein.run("expr", '$lookup("nope", "x")', check=False)
    assert failed.returncode == 2 and "no lookup table named 'nope'" in failed.stderr


def test_the_rest_api_lists_creates_replaces_imports_exports_and_deletes_with_roles(skein):
    from api_client import API

    skein.add_user("bob", "builder")
    skein.add_user("vera", "viewer")
    skein.add_user("root", "admin")
    process, base = skein.serve_api()
    try:
        builder = API(base, skein.create_token("bob", name="b"))
        viewer = API(base, skein.create_token("vera", name="v"))

        created = builder.post("/api/v1/lookups", {"name": "warehouses", "description": "shop → WMS", "default": "WH-0",
                                                   "rows": [{"left": "london", "right": "WH-1"}]})
        assert created.status == 201, created
        assert created.json["rows"] == [{"left": "london", "right": "WH-1"}] and created.json["default"] == "WH-0"
        assert builder.post("/api/v1/lookups", {"name": "warehouses"}).status == 409
        bad = builder.post("/api/v1/lookups", {"name": "Bad Name"})
        assert bad.status == 400 and bad.json["error"]["field"] == "name"
        twice = builder.post("/api/v1/lookups", {"name": "twice", "rows": [{"left": "a", "right": "1"}, {"left": "a", "right": "2"}]})
        assert twice.status == 400 and twice.json["error"]["field"] == "rows[1].left", twice

        imported = builder.call("POST", "/api/v1/lookups/warehouses/rows.csv", raw=b"left,right\nparis,WH-2\nlondon,WH-10\n",
                                content_type="text/csv")
        assert imported.status == 200 and imported.json == {"added": 1, "updated": 1, "unchanged": 0}
        broken = builder.call("POST", "/api/v1/lookups/warehouses/rows.csv", raw=b"left,right\nrome\n", content_type="text/csv")
        assert broken.status == 400 and broken.json["error"]["message"] == "the CSV line 2: expected 2 fields (left,right), found 1"
        # Over 5 MB: refused from Content-Length, before the body is read.
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        connection.putrequest("POST", "/api/v1/lookups/warehouses/rows.csv")
        for name, value in [("Authorization", f"Bearer {builder.token}"), ("Content-Type", "text/csv"), ("Content-Length", str(5 * 1024 * 1024 + 1))]:
            connection.putheader(name, value)
        connection.endheaders()
        huge = connection.getresponse()
        assert huge.status == 413 and json.loads(huge.read())["error"]["code"] == "body_too_large"
        connection.close()
        exported = viewer.get("/api/v1/lookups/warehouses/rows.csv")
        assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
        assert exported.body == b"left,right\r\nlondon,WH-10\r\nparis,WH-2\r\n"

        listed = viewer.get("/api/v1/lookups").json["lookups"]
        assert [(t["name"], t["row_count"], t["default"]) for t in listed] == [("warehouses", 2, "WH-0")]

        # Viewers read; only builders and admins change.
        assert viewer.post("/api/v1/lookups", {"name": "mine"}).status == 403
        assert viewer.call("PUT", "/api/v1/lookups/warehouses", {"rows": []}).status == 403
        assert viewer.call("POST", "/api/v1/lookups/warehouses/rows.csv", raw=b"left,right\na,b\n", content_type="text/csv").status == 403
        assert viewer.call("DELETE", "/api/v1/lookups/warehouses").status == 403

        replaced = builder.call("PUT", "/api/v1/lookups/warehouses", {"description": "v2", "rows": [{"left": "berlin", "right": "WH-3"}]})
        assert replaced.status == 200 and replaced.json["rows"] == [{"left": "berlin", "right": "WH-3"}] and replaced.json["default"] is None
        assert builder.call("PUT", "/api/v1/lookups/carriers", {"default": "STD"}).status == 201
        assert viewer.get("/api/v1/lookups/warehouses").json["description"] == "v2"
        assert builder.call("DELETE", "/api/v1/lookups/warehouses").status == 204
        assert viewer.get("/api/v1/lookups/warehouses").status == 404

        # The expression endpoint reads tables too.
        tried = viewer.post("/api/v1/expr", {"expression": '$lookup("carriers", "anything")', "input": {}})
        assert tried.json == {"outcome": "value", "result": "STD"}

        admin = API(base, skein.create_token("root", name="a"))
        actions = [(e["actor"], e["action"], e["target"]) for e in admin.get("/api/v1/audit?action=lookup.").json["entries"]]
        assert ("bob (token)", "lookup.import", "lookup:warehouses") in actions and ("bob (token)", "lookup.delete", "lookup:warehouses") in actions
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_lookups_page_lets_builders_edit_import_and_export_and_viewers_read(skein, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from browser_support import launch_chromium

    skein.run("lookup", "create", "shipping-codes", "--description", "shop method to WMS carrier")
    for left, right in [("express", "DHL-EXP"), ("standard", "DHL"), ("pickup", "NONE")]:
        skein.run("lookup", "set", "shipping-codes", left, right)
    builder_password = skein.add_user("olive", role="builder")
    viewer_password = skein.add_user("vera", role="viewer")
    good = write(tmp_path, "codes.csv", "left,right\nstandard,UPS\nnext-day,DPD\n")
    bad = write(tmp_path, "bad.csv", "left,right\nsame-day\n")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)

            def signed_in(username, password):
                page = browser.new_context(accept_downloads=True).new_page()
                page.on("dialog", lambda dialog: dialog.accept())
                page.goto(base + "/login")
                page.fill("#username", username)
                page.fill("#password", password)
                page.click("button[type=submit]")
                expect(page.locator("h1")).to_have_text("Dashboard")
                return page

            page = signed_in("olive", builder_password)
            page.click("nav >> text=Lookups")
            expect(page.locator("#lookups tbody tr")).to_have_count(1)
            expect(page.locator("#lookups tbody tr")).to_contain_text("3")
            page.click("#lookups >> text=shipping-codes")
            expect(page.locator("#lookup-rows tbody tr")).to_have_count(3)

            # Search narrows the rows (left or right, any case).
            page.fill("#lookup-search input[name=q]", "dhl")
            page.click("#lookup-search button")
            expect(page.locator("#lookup-rows tbody tr")).to_have_count(2)
            page.click("#lookup-search >> text=Clear")

            # Add, edit and remove rows.
            page.fill("#add-row input[name=left]", "drone")
            page.fill("#add-row input[name=right]", "SKY")
            page.click("#add-row button")
            expect(page.locator(".notice[role=status]")).to_contain_text("Added 'drone' → 'SKY'")
            row = page.locator("#lookup-rows tbody tr", has_text="express")
            row.locator("input[name=right]").fill("DHL-EXPRESS")
            row.locator("text=Save").click()
            expect(page.locator(".notice[role=status]")).to_contain_text("Set 'express' → 'DHL-EXPRESS'")
            page.locator("#lookup-rows tbody tr", has_text="pickup").locator("text=Remove").click()
            expect(page.locator(".notice[role=status]")).to_contain_text("Removed 'pickup'")
            expect(page.locator("#lookup-rows tbody tr")).to_have_count(3)

            # CSV import by file upload: a bad file names its line and changes nothing; a good one updates and adds.
            page.set_input_files("#lookup-import input[type=file]", bad)
            page.click("#lookup-import button")
            expect(page.locator("#lookup-import [role=alert]")).to_have_text("the CSV line 2: expected 2 fields (left,right), found 1")
            page.set_input_files("#lookup-import input[type=file]", good)
            page.click("#lookup-import button")
            expect(page.locator(".notice[role=status]")).to_contain_text("Imported codes.csv: 1 added, 1 updated, 0 unchanged")
            expect(page.locator("#lookup-rows tbody tr")).to_have_count(4)

            # The default, then export.
            page.fill("#lookup-settings input[name=default]", "STD")
            page.uncheck("#lookup-settings input[name=no_default]")
            page.click("#lookup-settings button")
            expect(page.locator(".notice[role=status]")).to_contain_text("Saved the settings")
            with page.expect_download() as download:
                page.click("text=Export CSV")
            assert Path(download.value.path()).read_bytes() == b"left,right\r\nexpress,DHL-EXPRESS\r\nstandard,UPS\r\ndrone,SKY\r\nnext-day,DPD\r\n"
            shown = skein.json("lookup", "show", "shipping-codes")
            assert shown["default"] == "STD" and len(shown["rows"]) == 4

            # A new table, then deleting it.
            page.click("nav >> text=Lookups")
            page.fill("#new-lookup input[name=name]", "warehouses")
            page.click("#new-lookup button")
            expect(page.locator("h1")).to_contain_text("warehouses")
            page.click("text=Delete this table")
            expect(page.locator(".notice[role=status]")).to_contain_text("Deleted lookup 'warehouses'")

            # A viewer reads the rows but gets no forms.
            viewer = signed_in("vera", viewer_password)
            viewer.goto(base + "/lookups/shipping-codes")
            expect(viewer.locator("#lookup-rows tbody tr")).to_have_count(4)
            expect(viewer.locator("#add-row")).to_have_count(0)
            expect(viewer.locator("#lookup-import")).to_have_count(0)
            expect(viewer.locator("#lookup-rows input")).to_have_count(0)
            expect(viewer.locator("#new-lookup")).to_have_count(0)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
