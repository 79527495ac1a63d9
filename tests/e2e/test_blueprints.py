"""Blueprints end to end with the real `skein` binary: `skein blueprint install` on a fresh data
directory, pointed at the Shopify fake and the generic WMS fake (tests/e2e/commerce_fakes.py) on
127.0.0.1, then the installed flow run by hand — green, the other system changed as the lookup
says, the sync report filled; and the install's refusals, which change nothing."""
import json
import urllib.request

import pytest

import commerce_fakes

# Shopify's Standard-plan bucket (2,000 points, 100 restored a second): a page of 25 orders with
# their line items asks for about 527.
SHOPIFY_BUCKET = {"maximum": 2000.0, "restore_rate": 100.0}
SHOPIFY_CARRIERS = {"standard": "DPD-CLASSIC", "express": "DPD-EXPRESS", "next-day": "DHL-NEXTDAY",
                    "store-pickup": "STANDARD"}  # store-pickup has no row: the lookup's default


@pytest.fixture
def systems(monkeypatch):
    started = []

    def start(system):
        started.append(system.start())
        return system
    monkeypatch.setenv("SHOPIFY_TOKEN", "shpat_test_token")
    monkeypatch.setenv("WMS_API_KEY", "wms_test_key")
    yield start
    for system in started:
        system.stop()


def install(skein, name, shop, wms, *extra, check=True):
    return skein.run("blueprint", "install", name, "--setting", "shop=acme", "--setting", f"wms_address={wms.url}",
                     "--credential-env", "shopify_token=SHOPIFY_TOKEN", "--credential-env", "wms_api_key=WMS_API_KEY",
                     "--address", f"{'shop' if name == 'shopify-to-wms' else 'shopify-inventory'}={shop.url}", *extra, check=check)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_shopify_to_wms_delivers_every_order_with_its_mapped_carrier_and_fills_the_sync_report(skein, systems, backend, request, monkeypatch):
    if backend == "postgres":
        monkeypatch.setenv("SKEIN_DATABASE", request.getfixturevalue("postgres_url"))
    shop = systems(commerce_fakes.Shopify(orders=40, **SHOPIFY_BUCKET))
    wms = systems(commerce_fakes.WMS())
    out = install(skein, "shopify-to-wms", shop, wms).stdout
    assert "installed blueprint shopify-to-wms" in out and "lookup shopify-shipping-to-wms-carrier" in out, out
    assert "flow shopify-orders-to-wms version 1" in out
    # The instances are ordinary ones: credentials sealed, names listed, the connector's address replaced.
    instances = {i["name"]: i for i in skein.json("instance", "list")}
    assert instances["shop"]["connector"] == "shopify" and instances["shop"]["address"] == shop.url
    assert instances["wms"]["address"] == wms.url and instances["wms"]["credentials"] == ["api_key"]
    assert "wms_test_key" not in json.dumps(instances) and "shpat_test_token" not in json.dumps(instances)
    assert "ok" in skein.run("instance", "test", "wms").stdout
    # Deployed disabled: nothing runs on its schedule until someone turns it on.
    flows = skein.json("flow", "list")
    assert [(f["id"], f["enabled"]) for f in flows] == [("shopify-orders-to-wms", False)], flows

    result = skein.run("run", "shopify-orders-to-wms", timeout=180)
    assert "success" in result.stdout, result.stdout + result.stderr

    # Every order reached the WMS once, with its Shopify shipping code mapped to a carrier.
    assert len(wms.received) == 40
    for order in shop.orders:
        sent = wms.orders[order["name"]]
        assert sent["carrier"] == SHOPIFY_CARRIERS[order["shippingLine"]["code"]], sent
        assert sent["lines"] == [{"sku": line["sku"], "quantity": line["quantity"]} for line in order["lineItems"]["nodes"]]
        assert sent["ship_to"]["postcode"] == "LS1 1AA"
    assert all(r["headers"].get("Idempotency-Key", "").startswith("skein-") for r in wms.requests("/api/v1/orders"))
    # The sync report: one OK entry per order, with the WMS's id.
    entries = skein.json("sync", "list", "--all")["entries"]
    assert sorted((e["reference"], e["status"]) for e in entries) == sorted((o["name"], "ok") for o in shop.orders)
    assert {e["endpoint_id"] for e in entries} == {o["id"] for o in wms.orders.values()}
    assert all(e["system"] == "WMS" for e in entries)

    # The next run reads only orders changed since the last run started: none here.
    asked = len(shop.requests("/graphql.json"))
    assert "success" in skein.run("run", "shopify-orders-to-wms", timeout=180).stdout
    query = json.loads(shop.requests("/graphql.json")[asked]["body"])["variables"]["query"]
    assert query.startswith("updated_at:>='2") and "2026-01-01" not in query, query
    assert len(wms.received) == 40


def test_wms_stock_to_shopify_sets_each_skus_quantity_at_the_mapped_location(skein, systems):
    shop = systems(commerce_fakes.Shopify(orders=1, **SHOPIFY_BUCKET))
    wms = systems(commerce_fakes.WMS(skus=70))
    out = install(skein, "wms-stock-to-shopify", shop, wms).stdout
    assert "lookup wms-warehouse-to-shopify-location" in out and "flow wms-stock-levels-to-shopify version 1" in out, out

    result = skein.run("run", "wms-stock-levels-to-shopify", timeout=300)
    assert "success" in result.stdout, result.stdout + result.stderr

    # Both stock pages were read, and every line set Shopify's available quantity at its warehouse's location.
    assert [r["query"]["page"] for r in wms.requests("/api/v1/stock")] == [["1"], ["2"]]
    location = {"LON": "gid://shopify/Location/1", "MAN": "gid://shopify/Location/2"}
    for line in wms.stock:
        item = f"gid://shopify/InventoryItem/{line['sku'].split('-')[1]}"
        assert shop.available_at[(item, location[line["warehouse"]])] == line["available"], line
    level = next(level for level in shop.levels if level["item"]["sku"] == "SKU-7")
    assert level["quantities"][0]["quantity"] == 70  # Location/1 (LON) as the connector's inventory.levels shows it
    assert shop.throttled == 0
    entries = skein.json("sync", "list", "--all")["entries"]
    assert len(entries) == 140 and {e["status"] for e in entries} == {"ok"}
    assert {e["reference"] for e in entries} == {f"{line['warehouse']}/{line['sku']}" for line in wms.stock}

    # Unchanged stock is not sent again: the delivery ledger skips each line.
    sets = len(shop.adjustments)
    assert "success" in skein.run("run", "wms-stock-levels-to-shopify", timeout=300).stdout
    assert len(shop.adjustments) == sets
    assert skein.json("sync", "list", "--status", "skipped")["counts"]["skipped"] == 140


def test_an_install_refuses_before_changing_anything(skein, systems, monkeypatch):
    shop = systems(commerce_fakes.Shopify(orders=1, **SHOPIFY_BUCKET))
    wms = systems(commerce_fakes.WMS())
    # A missing setting and credential are named, with their help.
    missing = skein.run("blueprint", "install", "shopify-to-wms", "--setting", "shop=acme", check=False)
    assert missing.returncode != 0
    assert "missing --setting wms_address=…" in missing.stderr and "missing --credential-env shopify_token=VARIABLE" in missing.stderr
    monkeypatch.delenv("WMS_API_KEY")
    unset = install(skein, "shopify-to-wms", shop, wms, check=False)
    assert unset.returncode != 0 and "the environment variable WMS_API_KEY is not set" in unset.stderr
    monkeypatch.setenv("WMS_API_KEY", "wms_test_key")
    # A name taken: refused, nothing created, the existing instance untouched.
    skein.run("instance", "add", "wms", "--type", "http", "--address", "http://127.0.0.1:9")
    taken = install(skein, "shopify-to-wms", shop, wms, check=False)
    assert taken.returncode != 0
    assert 'instance wms already exists; install with --replace ("replace": true in the API) to replace it' in taken.stderr, taken.stderr
    assert [i["name"] for i in skein.json("instance", "list")] == ["wms"]
    assert skein.json("flow", "list") == []
    # --replace takes it over.
    replaced = install(skein, "shopify-to-wms", shop, wms, "--replace").stdout
    assert "replaced: instance wms" in replaced
    assert {i["name"]: i["address"] for i in skein.json("instance", "list")}["wms"] == wms.url


def test_user_written_blueprints_are_listed_and_broken_ones_named_with_their_problem(skein, tmp_path):
    directory = tmp_path / "data" / "blueprints"
    (directory / "erp-sync").mkdir(parents=True)
    (directory / "erp-sync" / "erp-orders.yaml").write_text("id: erp-orders\nshapes:\n  - { id: p, payload: { json: {} } }\n")
    (directory / "erp-sync.yaml").write_text("""
blueprint: erp-sync
title: ERP sync
systems: [ERP]
settings: { host: { required: true, help: The ERP host. } }
credentials: { erp_token: { help: The ERP token. } }
instances:
  erp: { type: http, address: "https://{{host}}", settings: { auth: bearer }, credentials: { token: erp_token } }
flows: [erp-sync/erp-orders.yaml]
""")
    (directory / "broken.yaml").write_text("blueprint: broken\ntitle: Broken\ninstances: {}\nflows: [broken/missing.yaml]\n")
    listed = skein.run("blueprint", "list", check=False)
    assert listed.returncode == 1
    assert "erp-sync" in listed.stdout and "shopify-to-wms" in listed.stdout
    assert "broken.yaml: flows[0]: 'broken/missing.yaml': no such file" in listed.stderr, listed.stderr
    shown = skein.run("blueprint", "show", "erp-sync").stdout
    assert "--setting host=…" in shown and "flow erp-orders" in shown
    out = skein.run("blueprint", "install", "erp-sync", "--setting", "host=erp.example.com", "--credential-env", "erp_token=HOME").stdout
    assert "flow erp-orders version 1" in out
    assert {i["name"]: i["address"] for i in skein.json("instance", "list")} == {"erp": "https://erp.example.com"}


def test_the_api_lists_blueprints_shows_what_one_needs_and_installs_it(skein):
    skein.add_user("vera", role="viewer")
    skein.add_user("bob", role="builder")
    token = skein.create_token("vera")
    builder = skein.create_token("bob", name="builder")
    process, base = skein.serve_api()
    try:
        def call(path, body=None, as_token=token):
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                             headers={"Authorization": f"Bearer {as_token}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())
        get = call
        status, listing = get("/api/v1/blueprints")
        assert status == 200
        assert [b["name"] for b in listing["blueprints"]] == ["shopify-to-wms", "wms-stock-to-shopify"]
        status, one = get("/api/v1/blueprints/shopify-to-wms")
        assert status == 200
        assert [s["name"] for s in one["settings"]] == ["shop", "wms_address"]
        assert [c["name"] for c in one["credentials"]] == ["shopify_token", "wms_api_key"]
        assert one["lookups"][0]["rows"][0] == {"left": "standard", "right": "DPD-CLASSIC"}
        assert one["flows"] == [{"id": "shopify-orders-to-wms", "name": "Shopify orders to the WMS",
                                 "file": "shopify-to-wms/shopify-orders-to-wms.yaml"}]
        status, missing = get("/api/v1/blueprints/nope")
        assert status == 404 and missing["error"]["code"] == "not_found"

        # Installing: a viewer may not; a missing credential is named; then it installs, secrets write-only.
        body = {"settings": {"shop": "acme", "wms_address": "https://wms.example.com"},
                "credentials": {"shopify_token": "shpat_api_secret"}}
        status, refused = call("/api/v1/blueprints/shopify-to-wms/install", body)
        assert status == 403, refused
        status, refused = call("/api/v1/blueprints/shopify-to-wms/install", body, as_token=builder)
        assert status == 400 and refused["error"]["code"] == "invalid_field"
        assert "missing --credential-env wms_api_key=VARIABLE" in refused["error"]["message"]
        body["credentials"]["wms_api_key"] = "wms_api_secret"
        status, installed = call("/api/v1/blueprints/shopify-to-wms/install", body, as_token=builder)
        assert status == 201, installed
        assert installed["flows"] == [{"id": "shopify-orders-to-wms", "version": 1}]
        assert "secret" not in json.dumps(installed)
        status, taken = call("/api/v1/blueprints/shopify-to-wms/install", body, as_token=builder)
        assert status == 409 and "install with --replace" in taken["error"]["message"]
        assert {i["name"] for i in skein.json("instance", "list")} == {"shop", "wms"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_blueprints_page_lists_what_each_creates_and_links_installed_flows(skein, systems):
    from playwright.sync_api import expect, sync_playwright
    from browser_support import launch_chromium
    shop = systems(commerce_fakes.Shopify(orders=1, **SHOPIFY_BUCKET))
    wms = systems(commerce_fakes.WMS())
    install(skein, "shopify-to-wms", shop, wms)
    password = skein.add_user("vera", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(base + "/login")
            page.fill("#username", "vera")
            page.fill("#password", password)
            page.click("button[type=submit]")
            page.click("nav >> text=Blueprints")
            expect(page.locator("h1")).to_have_text("Blueprints")
            expect(page.locator("section.blueprint")).to_have_count(2)
            installed = page.locator("#shopify-to-wms")
            expect(installed).to_contain_text("Shopify → WMS (HTTP)")
            expect(installed).to_contain_text("shopify-shipping-to-wms-carrier")
            expect(installed).to_contain_text("3 rows, default STANDARD")
            expect(installed).to_contain_text("installed, v1")
            expect(installed).to_contain_text("--credential-env shopify_token=VARIABLE")
            expect(page.locator("#wms-stock-to-shopify")).to_contain_text("not installed")
            expect(installed.locator("a[href='/lookups/shopify-shipping-to-wms-carrier']")).to_have_text("shopify-shipping-to-wms-carrier")
            installed.locator("a >> text=shopify-orders-to-wms").click()
            expect(page.locator("h1")).to_have_text("Shopify orders to the WMS")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
