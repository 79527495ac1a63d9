"""The shipped connectors (Shopify, WooCommerce, BigCommerce, Magento) end to end: each one's
endpoints run through a real flow of the real `skein` binary against a fake of its system that
follows the system's documented auth, pagination, rate-limit signals and error bodies
(tests/e2e/commerce_fakes.py). For each: every page is fetched, the system's limits are kept
without a single refused request, a write is accepted, and errors carry the system's message."""
import json
import re
from pathlib import Path

import pytest

import commerce_fakes


@pytest.fixture
def fake(request):
    systems = []

    def start(system):
        systems.append(system.start())
        return system
    yield start
    for system in systems:
        system.stop()


def deploy(skein, tmp_path, text, name="flow.yaml"):
    path = tmp_path / name
    path.write_text(text)
    skein.run("flow", "deploy", str(path))


def pages(skein, run, step, count):
    return [json.loads(skein.run("payload", "show", str(run), step, "--index", str(i)).stdout) for i in range(count)]


def steps_of(skein, run):
    return {s["shape"]: s for s in skein.json("runs", "show", str(run))["steps"]}


# ------------------------------------------------------------------------------------ Shopify

SHOPIFY_FLOW = """
id: shopify-sync
shapes:
  - id: orders
    http: { instance: shop, endpoint: orders.updated_since, params: { since: "2026-03-01T11:00:00+01:00", page_size: 10 } }
  - id: products
    http: { instance: shop, endpoint: products.list, params: { page_size: 10 } }
  - id: levels
    http: { instance: shop, endpoint: inventory.levels, params: { location_id: "gid://shopify/Location/1", page_size: 25 } }
  - id: customers
    http: { instance: shop, endpoint: customers.list, params: { page_size: 5 } }
  - id: one-order
    http: { instance: shop, endpoint: orders.get, params: { id: "{{order}}" } }
  - id: to-fulfilment
    map:
      fields:
        lineItemsByFulfillmentOrder: '[{"fulfillmentOrderId": data.order.fulfillmentOrders.nodes[0].id}]'
        trackingInfo: '{"number": "1Z999AA10123456784", "company": "UPS"}'
        notifyCustomer: 'false'
  - id: fulfil
    http: { instance: shop, endpoint: fulfillments.create }
variables: { order: "gid://shopify/Order/1003" }
"""


def test_shopify_pages_keeps_the_cost_bucket_and_fulfils(skein, tmp_path, fake, monkeypatch):
    # A small bucket: each page of 10 orders asks for 212 points, so pages must wait for it to refill.
    shop = fake(commerce_fakes.Shopify(orders=60, maximum=220.0, restore_rate=60.0))
    monkeypatch.setenv("SHOPIFY_TOKEN", shop.token)
    added = skein.run("instance", "add", "shop", "--connector", "shopify", "--setting", "shop=acme",
                      "--credential-env", "access_token=SHOPIFY_TOKEN", "--address", shop.url).stdout
    assert "connector shopify" in added
    assert "ok: instance 'shop': reachable, GET " + shop.url + "/admin/api/2026-04/shop.json answered HTTP 200 OK" in skein.run("instance", "test", "shop").stdout
    deploy(skein, tmp_path, SHOPIFY_FLOW)
    result = skein.run("run", "shopify-sync", timeout=180)
    assert "success" in result.stdout, result.stdout

    steps = steps_of(skein, 1)
    # Orders updated at or after 10:00 UTC: the 58 of 60 updated from 10:30 on, in 6 pages.
    order_pages = pages(skein, 1, "orders", steps["orders"]["payloads_out"])
    names = [o["name"] for page in order_pages for o in page["data"]["orders"]["nodes"]]
    assert names == [o["name"] for o in shop.orders[2:]]
    assert len(order_pages) == 6
    assert steps["products"]["payloads_out"] == 3 and steps["levels"]["payloads_out"] == 3 and steps["customers"]["payloads_out"] == 3
    level_pages = pages(skein, 1, "levels", 3)
    assert sum(len(p["data"]["location"]["inventoryLevels"]["nodes"]) for p in level_pages) == 70

    # The bucket was honoured: never a THROTTLED answer, and Skein did wait between pages.
    assert shop.throttled == 0
    order_requests = [r for r in shop.log if b"OrdersUpdatedSince" in r["body"]]
    gaps = [b["at"] - a["at"] for a, b in zip(order_requests, order_requests[1:])]
    assert max(gaps) > 0.3
    variables = [json.loads(r["body"])["variables"] for r in order_requests]
    assert variables[0] == {"first": 10, "query": "updated_at:>='2026-03-01T10:00:00Z'"}
    assert all("after" in v for v in variables[1:])
    # The token went in the documented header and is not on the recorded calls.
    assert order_requests[0]["headers"]["X-Shopify-Access-Token"] == shop.token
    assert shop.token not in json.dumps(skein.json("runs", "show", "1"))

    # The write: a fulfilment for order #1003 with its tracking number.
    assert len(shop.fulfillments) == 1
    assert shop.fulfillments[0]["input"]["lineItemsByFulfillmentOrder"] == [{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1003"}]
    answer = json.loads(skein.run("payload", "show", "1", "fulfil", "--index", "0").stdout)
    assert answer["data"]["fulfillmentCreate"]["fulfillment"]["id"] == "gid://shopify/Fulfillment/1"

    # Fulfilling the same order again: Shopify's userErrors fail the step with its message.
    failed = skein.run("run", "shopify-sync", check=False, timeout=180)
    assert failed.returncode == 1
    error = steps_of(skein, 2)["fulfil"]["error"]
    assert "fulfillment.lineItemsByFulfillmentOrder.0.fulfillmentOrderId: Fulfillment order does not exist or is not open." in error


def test_shopify_errors_carry_the_systems_message(skein, tmp_path, fake, monkeypatch):
    shop = fake(commerce_fakes.Shopify(orders=3))
    monkeypatch.setenv("SHOPIFY_TOKEN", "shpat_wrong")
    skein.run("instance", "add", "shop", "--connector", "shopify", "--setting", "shop=acme",
              "--credential-env", "access_token=SHOPIFY_TOKEN", "--address", shop.url)
    tested = skein.run("instance", "test", "shop", check=False)
    assert tested.returncode == 1 and "answered HTTP 401 Unauthorized: the API key was rejected" in tested.stdout
    deploy(skein, tmp_path, "id: orders\nshapes:\n  - id: orders\n    http: { instance: shop, endpoint: orders.updated_since, params: { since: 2026-01-01 } }\n")
    result = skein.run("run", "orders", check=False)
    assert result.returncode == 1
    error = steps_of(skein, 1)["orders"]["error"]
    assert "HTTP 401 Unauthorized: [API] Invalid API key or access token (unrecognized login or wrong password)" in error
    assert "shpat_wrong" not in json.dumps(skein.json("runs", "show", "1"))


# ------------------------------------------------------------------------------------ WooCommerce

WOO_FLOW = """
id: woo-sync
shapes:
  - id: orders
    http: { instance: woo, endpoint: orders.updated_since, params: { since: "2026-03-02T00:00:00Z" } }
  - id: processing
    http: { instance: woo, endpoint: orders.updated_since, params: { since: "2026-03-02T00:00:00Z", status: processing, page_size: 25 } }
  - id: stock
    http: { instance: woo, endpoint: inventory.levels }
  - id: customers
    http: { instance: woo, endpoint: customers.list, params: { page_size: 3 } }
  - id: one-order
    http: { instance: woo, endpoint: orders.get, params: { id: 520 } }
  - id: new-stock
    map:
      fields:
        id: '41'
        stock_quantity: '{{quantity}}'
  - id: update-stock
    http: { instance: woo, endpoint: products.update_stock, params: { id: "{{payload.id}}" } }
variables: { quantity: 7 }
"""


def test_woocommerce_pages_by_total_pages_and_updates_stock(skein, tmp_path, fake, monkeypatch):
    woo = fake(commerce_fakes.WooCommerce(orders=230))
    monkeypatch.setenv("WOO_KEY", "ck_test_key")
    monkeypatch.setenv("WOO_SECRET", "cs_test_secret")
    skein.run("instance", "add", "woo", "--connector", "woocommerce", "--setting", f"site={woo.url}",
              "--credential-env", "consumer_key=WOO_KEY", "--credential-env", "consumer_secret=WOO_SECRET")
    deploy(skein, tmp_path, WOO_FLOW.replace("'{{quantity}}'", "'7'"))
    result = skein.run("run", "woo-sync", timeout=180)
    assert "success" in result.stdout, result.stdout
    steps = steps_of(skein, 1)

    # 214 orders modified since 2 March (00:00 onwards) in pages of 100: exactly 3 requests, no empty 4th.
    expected = [o["id"] for o in woo.orders if o["date_modified_gmt"] >= "2026-03-02T00:00:00"]
    got = [o["id"] for page in pages(skein, 1, "orders", steps["orders"]["payloads_out"]) for o in page]
    assert got == expected and len(expected) == 214
    order_requests = [r for r in woo.requests("/orders") if r["path"].endswith("/orders")]
    assert [r["query"]["page"] for r in order_requests[:3]] == [["1"], ["2"], ["3"]]
    assert order_requests[0]["query"]["modified_after"] == ["2026-03-02T00:00:00Z"]
    assert order_requests[0]["query"]["per_page"] == ["100"]
    processing = [o for page in pages(skein, 1, "processing", steps["processing"]["payloads_out"]) for o in page]
    assert {o["status"] for o in processing} == {"processing"} and len(processing) == len([o for o in woo.orders[16:] if o["status"] == "processing"])
    assert steps["stock"]["payloads_out"] == 2 and steps["customers"]["payloads_out"] == 3
    stock = pages(skein, 1, "stock", 2)
    assert set(stock[0][0]) == {"id", "sku", "name", "manage_stock", "stock_quantity", "stock_status"}
    # Consumer key and secret went as HTTP Basic over the connection.
    assert order_requests[0]["headers"]["Authorization"].startswith("Basic ")

    # The write: product 41's stock set to 7.
    assert next(p for p in woo.products if p["id"] == 41)["stock_quantity"] == 7
    put = [r for r in woo.log if r["method"] == "PUT"]
    assert [r["path"] for r in put] == ["/wp-json/wc/v3/products/41"] and json.loads(put[0]["body"]) == {"id": 41, "stock_quantity": 7}


def test_woocommerce_errors_carry_the_systems_message(skein, tmp_path, fake, monkeypatch):
    woo = fake(commerce_fakes.WooCommerce(orders=5))
    monkeypatch.setenv("WOO_KEY", "ck_test_key")
    monkeypatch.setenv("WOO_SECRET", "cs_test_secret")
    skein.run("instance", "add", "woo", "--connector", "woocommerce", "--setting", f"site={woo.url}",
              "--credential-env", "consumer_key=WOO_KEY", "--credential-env", "consumer_secret=WOO_SECRET")
    deploy(skein, tmp_path, "id: one\nshapes:\n  - id: one-order\n    http: { instance: woo, endpoint: orders.get, params: { id: 999 } }\n")
    assert skein.run("run", "one", check=False).returncode == 1
    assert "HTTP 404 Not Found: Invalid ID." in steps_of(skein, 1)["one-order"]["error"]


# ------------------------------------------------------------------------------------ BigCommerce

BIGCOMMERCE_FLOW = """
id: bc-sync
shapes:
  - id: orders
    http: { instance: bc, endpoint: orders.updated_since, params: { since: "2026-03-01T00:00:00Z", page_size: 25 } }
  - id: products
    http: { instance: bc, endpoint: products.list, params: { page_size: 20 } }
  - id: variants
    http: { instance: bc, endpoint: inventory.levels, params: { page_size: 25 } }
  - id: customers
    http: { instance: bc, endpoint: customers.list, params: { page_size: 10 } }
  - id: one-order
    http: { instance: bc, endpoint: orders.get, params: { id: 105 } }
  - id: ship
    map:
      fields:
        order_id: id
        shipment: '{"order_address_id": 7, "tracking_number": "JD0002", "items": [{"order_product_id": 1, "quantity": 1}]}'
  - id: create-shipment
    http:
      instance: bc
      endpoint: shipments.create
      params: { order_id: "{{payload.order_id}}" }
      sync: { system: BigCommerce, reference: "$string(order_id)" }
"""


def test_bigcommerce_pages_keeps_the_request_quota_and_ships(skein, tmp_path, fake, monkeypatch):
    # A quota of 8 requests per second; the flow needs 5 + 7 + 3 + 2 + 1 + 1 = 19 requests.
    bc = fake(commerce_fakes.BigCommerce(orders=120, quota=8, window_ms=1000))
    monkeypatch.setenv("BC_TOKEN", bc.token)
    skein.run("instance", "add", "bc", "--connector", "bigcommerce", "--setting", "store_hash=abc123",
              "--credential-env", "access_token=BC_TOKEN", "--address", f"{bc.url}/stores/abc123")
    assert "ok: instance 'bc': reachable" in skein.run("instance", "test", "bc").stdout
    bc.log.clear()
    deploy(skein, tmp_path, BIGCOMMERCE_FLOW)
    result = skein.run("run", "bc-sync", timeout=180)
    assert "success" in result.stdout, result.stdout
    steps = steps_of(skein, 1)
    # v2 orders: 120 in pages of 25, the fifth page short, so no request for the empty sixth.
    got = [o["id"] for page in pages(skein, 1, "orders", steps["orders"]["payloads_out"]) for o in page]
    assert got == [o["id"] for o in bc.orders]
    assert [(r["method"], r["query"].get("page")) for r in bc.requests("/v2/orders")] == [("GET", [str(n)]) for n in range(1, 6)] + [("GET", None), ("POST", None)], \
        [(r["method"], r["path"], r["query"], bc.throttled) for r in bc.requests("/v2/orders")]
    # v3 pages by meta.pagination.total_pages.
    products = [p["id"] for page in pages(skein, 1, "products", steps["products"]["payloads_out"]) for p in page["data"]]
    assert products == [p["id"] for p in bc.products] and steps["products"]["payloads_out"] == 7
    assert steps["variants"]["payloads_out"] == 3 and steps["customers"]["payloads_out"] == 2
    # The quota was kept: no 429, and 19 requests at 8 a second took at least two resets.
    assert bc.throttled == 0
    assert bc.log[-1]["at"] - bc.log[0]["at"] > 1.5
    # The write.
    assert bc.shipments[0]["order_id"] == 105 and bc.shipments[0]["tracking_number"] == "JD0002"
    assert "order_id" not in json.loads(bc.requests("/shipments")[0]["body"])
    # The sync entry has the new shipment's id from the answer (the endpoint's identity).
    entries = skein.json("sync", "list", "--all")["entries"]
    assert [(e["reference"], e["status"], e["endpoint_id"]) for e in entries] == [("105", "ok", "1")]


def test_bigcommerce_waits_for_the_reset_when_the_quota_is_spent_elsewhere(skein, tmp_path, fake, monkeypatch):
    bc = fake(commerce_fakes.BigCommerce(orders=10, quota=3, window_ms=1500))
    monkeypatch.setenv("BC_TOKEN", bc.token)
    skein.run("instance", "add", "bc", "--connector", "bigcommerce", "--setting", "store_hash=abc123",
              "--credential-env", "access_token=BC_TOKEN", "--address", f"{bc.url}/stores/abc123")
    deploy(skein, tmp_path, "id: bc\nshapes:\n  - id: customers\n    http: { instance: bc, endpoint: customers.list, params: { page_size: 4 } }\n")
    bc.used = bc.quota  # another app spent the store's quota: the first answer is a 429
    result = skein.run("run", "bc", timeout=120)
    assert "success" in result.stdout
    assert bc.throttled == 1  # the one 429 was waited out (X-Rate-Limit-Time-Reset-Ms) and the request sent again
    assert steps_of(skein, 1)["customers"]["payloads_out"] == 5


def test_bigcommerce_errors_carry_the_systems_message(skein, tmp_path, fake, monkeypatch):
    bc = fake(commerce_fakes.BigCommerce(orders=10))
    monkeypatch.setenv("BC_TOKEN", bc.token)
    skein.run("instance", "add", "bc", "--connector", "bigcommerce", "--setting", "store_hash=abc123",
              "--credential-env", "access_token=BC_TOKEN", "--address", f"{bc.url}/stores/abc123")
    deploy(skein, tmp_path, BIGCOMMERCE_FLOW.replace('"order_address_id": 7, ', ""))
    # With sync: the refused shipment is a Failed entry with the system's message, and the run goes on.
    skein.run("run", "bc-sync", timeout=120)
    entries = skein.json("sync", "list", "--all")["entries"]
    assert [e["status"] for e in entries] == ["failed"]
    assert "HTTP 400 Bad Request: The field 'order_address_id' is invalid." in entries[0]["latest_sync_information"]
    deploy(skein, tmp_path, "id: p\nshapes:\n  - id: products\n    http: { instance: bc, endpoint: products.list, query: { limit: '500' } }\n", "p.yaml")
    assert skein.run("run", "p", check=False).returncode == 1
    assert "HTTP 422 Unprocessable Entity: Input is invalid (limit: limit must be between 1 and 250)" in steps_of(skein, 2)["products"]["error"]


# ------------------------------------------------------------------------------------ Magento

MAGENTO_FLOW = """
id: magento-sync
shapes:
  - id: orders
    http: { instance: magento, endpoint: orders.updated_since, params: { since: "2026-03-01T12:00:00+02:00", page_size: 50 } }
  - id: products
    http: { instance: magento, endpoint: products.list, params: { page_size: 20 } }
  - id: stock
    http: { instance: magento, endpoint: inventory.levels, params: { page_size: 15 } }
  - id: customers
    http: { instance: magento, endpoint: customers.list, params: { page_size: 3 } }
  - id: one-order
    http: { instance: magento, endpoint: orders.get, params: { id: 4 } }
  - id: to-shipment
    map:
      fields:
        order_id: entity_id
        shipment: '{"items": [{"order_item_id": items[0].item_id, "qty": 1}], "notify": false, "tracks": [{"track_number": "1Y-9876543210", "title": "United Parcel Service", "carrier_code": "ups"}]}'
  - id: ship
    http:
      instance: magento
      endpoint: shipments.create
      params: { order_id: "{{payload.order_id}}" }
      sync: { system: Magento, reference: "$string(order_id)", endpoint_id: "$string($)" }
"""


def test_magento_pages_by_total_count_and_ships(skein, tmp_path, fake, monkeypatch):
    magento = fake(commerce_fakes.Magento(orders=250, limit_per_second=10))
    monkeypatch.setenv("MAGENTO_TOKEN", magento.token)
    skein.run("instance", "add", "magento", "--connector", "magento", "--setting", f"base_url={magento.url}",
              "--credential-env", "access_token=MAGENTO_TOKEN", "--rate-limit", "8/s")
    deploy(skein, tmp_path, MAGENTO_FLOW)
    result = skein.run("run", "magento-sync", timeout=180)
    assert "success" in result.stdout, result.stdout
    steps = steps_of(skein, 1)
    # Updated at or after 10:00 UTC: orders 8 (10:16) onwards, 242 of them, in 5 pages of 50. Magento answers
    # a page past the last with the last page again, so the count from total_count is what stops the reads.
    expected = [o["increment_id"] for o in magento.orders if o["updated_at"] >= "2026-03-01 10:00:00"]
    got = [o["increment_id"] for page in pages(skein, 1, "orders", steps["orders"]["payloads_out"]) for o in page["items"]]
    assert got == expected and len(expected) == 242 and steps["orders"]["payloads_out"] == 5
    first = magento.requests("/V1/orders")[0]["query"]
    assert first["searchCriteria[filter_groups][0][filters][0][value]"] == ["2026-03-01 10:00:00"]
    assert first["searchCriteria[currentPage]"] == ["1"] and first["searchCriteria[pageSize]"] == ["50"]
    assert steps["products"]["payloads_out"] == 3 and steps["stock"]["payloads_out"] == 3 and steps["customers"]["payloads_out"] == 3
    assert magento.throttled == 0
    assert magento.log[0]["headers"]["Authorization"] == "Bearer " + magento.token
    # The write: order 4's first item shipped; the answer is the shipment id.
    assert magento.shipments == [{"order_id": 4, "items": [{"order_item_id": 40, "qty": 1}], "notify": False,
                                  "tracks": [{"track_number": "1Y-9876543210", "title": "United Parcel Service", "carrier_code": "ups"}]}]
    assert skein.run("payload", "show", "1", "ship", "--index", "0").stdout.strip() == "1"
    entries = skein.json("sync", "list", "--all")["entries"]
    assert [(e["reference"], e["status"], e["endpoint_id"]) for e in entries] == [("4", "ok", "1")]


def test_magento_errors_carry_the_systems_message_with_its_parameters(skein, tmp_path, fake, monkeypatch):
    magento = fake(commerce_fakes.Magento(orders=5))
    monkeypatch.setenv("MAGENTO_TOKEN", "wrong-token")
    skein.run("instance", "add", "magento", "--connector", "magento", "--setting", f"base_url={magento.url}",
              "--credential-env", "access_token=MAGENTO_TOKEN")
    deploy(skein, tmp_path, "id: m\nshapes:\n  - id: orders\n    http: { instance: magento, endpoint: orders.updated_since, params: { since: 2026-03-01 } }\n")
    assert skein.run("run", "m", check=False).returncode == 1
    assert "HTTP 401 Unauthorized: The consumer isn't authorized to access Magento_Sales::actions_view." in steps_of(skein, 1)["orders"]["error"]


def test_magento_429_is_waited_out_within_the_step(skein, tmp_path, fake, monkeypatch):
    magento = fake(commerce_fakes.Magento(orders=40, limit_per_second=2))
    monkeypatch.setenv("MAGENTO_TOKEN", magento.token)
    skein.run("instance", "add", "magento", "--connector", "magento", "--setting", f"base_url={magento.url}",
              "--credential-env", "access_token=MAGENTO_TOKEN")
    deploy(skein, tmp_path, "id: m\nshapes:\n  - id: orders\n    http: { instance: magento, endpoint: orders.updated_since, params: { since: 2026-03-01, page_size: 10 } }\n")
    result = skein.run("run", "m", timeout=120)
    assert "success" in result.stdout
    assert steps_of(skein, 1)["orders"]["payloads_out"] == 4
    assert magento.throttled >= 1  # without a rate_limit the store refused some, and the step waited and sent them again


# ------------------------------------------------------------------------------------ Validation and CLI

def test_unknown_endpoints_and_parameters_are_located_errors(skein, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPIFY_TOKEN", "shpat_x")
    skein.run("instance", "add", "shop", "--connector", "shopify", "--setting", "shop=acme", "--credential-env", "access_token=SHOPIFY_TOKEN")
    flow = tmp_path / "bad.yaml"
    flow.write_text("id: bad\nshapes:\n  - id: a\n    http: { instance: shop, endpoint: orders.updated, params: { since: 2026-01-01 } }\n"
                    "  - id: b\n    http: { instance: shop, endpoint: orders.updated_since, params: { sinse: 2026-01-01, page_size: 900 } }\n"
                    "  - id: c\n    http: { instance: shop, endpoint: orders.get, path: /x }\n")
    result = skein.run("flow", "validate", str(flow), check=False)
    assert result.returncode == 1
    assert "shapes[0].http.endpoint: 'orders.updated' is not an endpoint of connector shopify (instance 'shop'); did you mean" in result.stderr
    assert "shapes[1].http.params.sinse: unknown parameter 'sinse' of shopify endpoint orders.updated_since (its parameters: since, page_size)" in result.stderr
    assert "shapes[1].http.params.page_size: 900 is more than 250" in result.stderr
    assert "shapes[1].http.params: 'since' is required by shopify endpoint orders.updated_since" in result.stderr
    assert "shapes[2].http.path: is decided by the endpoint 'orders.get'" in result.stderr


def test_instance_add_checks_the_connectors_settings_and_credentials(skein):
    result = skein.run("instance", "add", "shop", "--connector", "shopify", "--setting", "shopp=acme", check=False)
    assert result.returncode == 1
    assert "setting 'shop' is required" in result.stderr
    assert "'shopp' is not a setting of connector shopify" in result.stderr
    assert "credential 'access_token' is required" in result.stderr
    result = skein.run("instance", "add", "shop", "--connector", "shopify", "--setting", "shop=acme", "--credential", "access_token=shpat_1")
    assert "https://acme.myshopify.com" in result.stdout
    listed = skein.json("instance", "list")
    assert listed[0]["connector"] == "shopify" and listed[0]["address"] == "https://acme.myshopify.com"
    shown = skein.run("connector", "show", "shopify").stdout
    assert "orders.updated_since (receive)" in shown and "params.since (datetime, required)" in shown
    assert skein.run("connector", "show", "shopify", "--definition").stdout.startswith("# Shopify Admin API")


def test_user_written_connectors_are_read_from_the_data_directory(skein, tmp_path):
    connectors = tmp_path / "data" / "connectors"
    connectors.mkdir(parents=True)
    # The example in docs/connectors.md, as a user would copy it.
    page = (Path(__file__).resolve().parents[2] / "docs" / "connectors.md").read_text()
    (connectors / "erp.yaml").write_text(re.search(r"```yaml\n(connector: acme-erp.*?)```", page, re.S).group(1))
    (connectors / "broken.yaml").write_text("connector: broken\ntitle: Broken\ndocumentation: { url: x, version: '1' }\naddress: x\nendpoints:\n  a.b: { help: h, pagination: { type: pages } }\n")
    (connectors / "huge.yaml").write_text("# " * 1_000_000)
    result = skein.run("connector", "list", check=False)
    assert "huge.yaml: the file is larger than 1 MiB" in result.stderr
    assert "acme-erp" in result.stdout
    shown = skein.run("connector", "show", "acme-erp").stdout
    assert "stock.set (send): PUT /{{api_version}}/stock/{{params.sku}}" in shown
    assert "broken.yaml: endpoints.a.b.pagination.type: 'pages' is not one of" in result.stderr
    assert result.returncode == 1


def test_a_hand_written_graphql_step_pages_and_reports_graphql_errors(skein, tmp_path, fake):
    """GraphQL in the plain http connector, without a connector definition."""
    shop = fake(commerce_fakes.Shopify(orders=30, maximum=150.0, restore_rate=100.0))
    skein.run("instance", "add", "plain", "--type", "http", "--address", shop.url,
              "--setting", 'auth={"type": "api_key", "header": "X-Shopify-Access-Token"}', "--credential", f"api_key={shop.token}",
              "--setting", 'throttle={"type": "graphql_cost"}', "--setting", "retry_throttled=5",
              "--setting", "error_message=errors")
    deploy(skein, tmp_path, """
id: gql
variables: { size: 12 }
shapes:
  - id: orders
    http:
      instance: plain
      direction: receive
      path: /admin/api/2026-04/graphql.json
      graphql:
        query: "query($first: Int!, $after: String) { orders(first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }"
        variables: { first: "{{size}}" }
      pagination: { type: graphql_cursor, page_info_path: data.orders.pageInfo }
""")
    assert "success" in skein.run("run", "gql", timeout=120).stdout
    got = [o["name"] for page in pages(skein, 1, "orders", 3) for o in page["data"]["orders"]["nodes"]]
    assert got == [o["name"] for o in shop.orders] and steps_of(skein, 1)["orders"]["payloads_out"] == 3
    assert shop.throttled == 0
    sent = [json.loads(r["body"]) for r in shop.log]
    assert sent[0]["variables"] == {"first": 12} and sent[1]["variables"]["after"]

    deploy(skein, tmp_path, """
id: gql-bad
shapes:
  - id: typo
    http:
      instance: plain
      direction: receive
      path: /admin/api/2026-04/graphql.json
      graphql: { query: "{ ordrs(first: 1) { nodes { id } } }" }
""", "bad.yaml")
    assert skein.run("run", "gql-bad", check=False).returncode == 1
    assert "GraphQL error: Field 'ordrs' doesn't exist on type 'QueryRoot' (undefinedField)" in steps_of(skein, 2)["typo"]["error"]
