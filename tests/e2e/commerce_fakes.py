"""Fakes of four e-commerce APIs and a generic WMS for the connectors' and blueprints' end-to-end tests, on 127.0.0.1.

Each follows its system's public documentation where the connector depends on it: how it
authenticates, how it pages, the rate-limit signals it sends, and its error bodies. Each counts
the requests it refused for rate limiting (`throttled`), so a test can assert that none were.

* ``Shopify``: GraphQL Admin API (2026-04). ``X-Shopify-Access-Token``; Relay cursors
  (``pageInfo {hasNextPage endCursor}``); calculated query cost in a leaky bucket, reported in
  ``extensions.cost`` (requestedQueryCost charged up front, the difference to actualQueryCost
  refunded), a query the bucket cannot afford answered with a ``THROTTLED`` error; mutations
  report bad input in ``userErrors``. Orders carry a ``shippingLine {code title}``;
  ``inventoryItems`` and ``inventorySetQuantities`` (2026-04: ``changeFromQuantity`` required,
  null to skip the compare) work on two locations.
* ``WooCommerce``: REST wc/v3. HTTP Basic with consumer key/secret; ``page``/``per_page`` (at
  most 100) with ``X-WP-Total``/``X-WP-TotalPages``; errors ``{code, message, data: {status}}``.
* ``BigCommerce``: REST v2 (orders: a list, ``204 No Content`` past the last page) and v3
  (``{data, meta: {pagination}}``); ``X-Auth-Token``; a request quota per window reported in
  ``X-Rate-Limit-Requests-Left``/``-Time-Reset-Ms``/``-Time-Window-Ms``/``-Requests-Quota``,
  429 once it is spent; errors ``[{status, message}]`` (v2) or ``{status, title, type, errors}`` (v3).
* ``Magento``: REST 2.4. Bearer integration token; ``searchCriteria`` filters, ``currentPage``
  and ``pageSize`` with ``total_count`` (a page past the last answers the last page again, as
  Magento's collections do); errors ``{message, parameters}`` with ``%name`` placeholders;
  optional request limit answered with 429.
* ``WMS``: a generic warehouse management system (no product in particular; see the class):
  ``X-Api-Key``, order intake honouring ``Idempotency-Key``, a paged stock list.
"""
import base64
import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

BASE_TIME = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    text = text.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Fake:
    """A system behind a ThreadingHTTPServer on a free port; `log` keeps every request."""

    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.throttled = 0
        self.server = None

    def start(self, port=0):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                with fake.lock:
                    fake.log.append({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                                     "headers": dict(self.headers), "body": body, "at": time.monotonic()})
                    status, headers, payload = fake.handle(self.command, url.path, parse_qs(url.query), self.headers, body)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if payload is not None:
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def requests(self, path_part=""):
        return [entry for entry in self.log if path_part in entry["path"]]


# ---------------------------------------------------------------- Shopify (GraphQL Admin API)

class Shopify(Fake):
    VERSION = "2026-04"
    # Shipping rate codes of the fake store's orders (shippingLine.code), in turn.
    SHIPPING_CODES = ["standard", "express", "next-day", "store-pickup"]
    LOCATIONS = ["gid://shopify/Location/1", "gid://shopify/Location/2"]

    def __init__(self, token="shpat_test_token", orders=60, maximum=300.0, restore_rate=150.0):
        super().__init__()
        self.token = token
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.available = maximum
        self.updated = time.monotonic()
        self.orders = [{
            "id": f"gid://shopify/Order/{1000 + i}", "name": f"#{1000 + i}", "email": f"buyer{i}@example.com",
            "createdAt": iso(BASE_TIME + timedelta(hours=i)), "updatedAt": iso(BASE_TIME + timedelta(hours=i, minutes=30)),
            "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED",
            "totalPriceSet": {"shopMoney": {"amount": f"{10 + i}.00", "currencyCode": "GBP"}},
            "customer": {"id": f"gid://shopify/Customer/{i % 7}", "email": f"buyer{i}@example.com", "firstName": "Buyer", "lastName": str(i)},
            "shippingAddress": {"name": f"Buyer {i}", "address1": f"{i} High Street", "address2": None, "city": "Leeds",
                                "zip": "LS1 1AA", "countryCodeV2": "GB", "phone": None},
            "shippingLine": {"code": self.SHIPPING_CODES[i % len(self.SHIPPING_CODES)],
                             "title": self.SHIPPING_CODES[i % len(self.SHIPPING_CODES)].replace("-", " ").title()},
            "lineItems": {"nodes": [{"id": f"gid://shopify/LineItem/{i}{n}", "sku": f"SKU-{n}", "name": f"Item {n}", "quantity": 1 + n}
                                    for n in range(1 + i % 3)]},
            "fulfillmentOrders": {"nodes": [{"id": f"gid://shopify/FulfillmentOrder/{1000 + i}", "status": "OPEN"}]},
        } for i in range(orders)]
        self.products = [{"id": f"gid://shopify/Product/{i}", "title": f"Product {i}", "handle": f"product-{i}", "status": "ACTIVE",
                          "updatedAt": iso(BASE_TIME + timedelta(days=i)),
                          "variants": {"nodes": [{"id": f"gid://shopify/ProductVariant/{i}", "sku": f"SKU-{i}", "price": "9.99",
                                                  "inventoryQuantity": i}]}} for i in range(30)]
        self.customers = [{"id": f"gid://shopify/Customer/{i}", "email": f"buyer{i}@example.com", "firstName": "Buyer",
                           "lastName": str(i), "updatedAt": iso(BASE_TIME + timedelta(days=i))} for i in range(12)]
        self.levels = [{"id": f"gid://shopify/InventoryLevel/{i}?inventory_item_id={i}",
                        "quantities": [{"name": "available", "quantity": i}, {"name": "on_hand", "quantity": i + 2}],
                        "item": {"id": f"gid://shopify/InventoryItem/{i}", "sku": f"SKU-{i}"}} for i in range(70)]
        self.fulfillments = []
        # Available quantity per (inventory item, location); Location/1 is the one `levels` lists.
        self.available_at = {(level["item"]["id"], self.LOCATIONS[0]): level["quantities"][0]["quantity"] for level in self.levels}
        self.available_at.update({(level["item"]["id"], self.LOCATIONS[1]): 0 for level in self.levels})
        self.adjustments = []

    def _refill(self):
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self.updated) * self.restore_rate)
        self.updated = now

    def _cost(self, requested, actual):
        return {"requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available, 1),
                                   "restoreRate": self.restore_rate}}

    def handle(self, method, path, query, headers, body):
        if path not in (f"/admin/api/{self.VERSION}/graphql.json", f"/admin/api/{self.VERSION}/shop.json"):
            return 404, {}, {"errors": "Not Found"}
        if headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {}, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
        if path.endswith("/shop.json"):
            return 200, {}, {"shop": {"id": 1, "name": "Acme", "myshopify_domain": "acme.myshopify.com"}}
        if method != "POST":
            return 400, {}, {"errors": {"query": "Required parameter missing or invalid"}}
        try:
            request = json.loads(body)
        except ValueError:
            return 400, {}, {"errors": {"query": "Required parameter missing or invalid"}}
        text, variables = request.get("query", ""), request.get("variables") or {}
        first = variables.get("first", 1)
        nested = sum(int(n) for n in re.findall(r"\(first:\s*(\d+)\)", text))
        requested = 2 + first * (1 + nested) if "first" in variables else 2 + nested + 1
        self._refill()
        if requested > self.available:
            self.throttled += 1
            return 200, {}, {"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": {"cost": self._cost(requested, None)}}
        self.available -= requested
        data, returned, errors = self._resolve(text, variables)
        if errors:
            return 200, {}, {"errors": errors}
        actual = 2 + returned + len(re.findall(r'"nodes": \[\{', json.dumps(data)))  # connections returned cost too
        self.available = min(self.maximum, self.available + (requested - actual))
        return 200, {}, {"data": data, "extensions": {"cost": self._cost(requested, actual)}}

    def _page(self, items, variables, key):
        first = variables.get("first")
        if not isinstance(first, int) or not 1 <= first <= 250:
            return None, 0, [{"message": f"Variable $first of type Int! was provided invalid value", "extensions": {"code": "INVALID_VARIABLE"}}]
        start = int(base64.b64decode(variables["after"]).decode().split(":")[1]) + 1 if variables.get("after") else 0
        page = items[start:start + first]
        end = start + len(page) - 1
        cursor = base64.b64encode(f"cursor:{end}".encode()).decode() if page else None
        return {key: {"nodes": page, "pageInfo": {"hasNextPage": start + first < len(items), "endCursor": cursor}}}, len(page), None

    @staticmethod
    def _since(variables, items, field):
        match = re.search(r"updated_at:>='([^']+)'", variables.get("query") or "")
        if not match:
            return items
        since = parse_iso(match.group(1))
        return [item for item in items if parse_iso(item[field]) >= since]

    def _resolve(self, text, variables):
        if re.search(r"\borders\(", text):
            orders = sorted(self._since(variables, self.orders, "updatedAt"), key=lambda o: o["updatedAt"])
            return self._page([{k: v for k, v in o.items() if k != "fulfillmentOrders"} for o in orders], variables, "orders")
        if re.search(r"\border\(", text):
            order = next((o for o in self.orders if o["id"] == variables.get("id")), None)
            return {"order": order}, 1, None
        if re.search(r"\bproducts\(", text):
            return self._page(self._since(variables, self.products, "updatedAt"), variables, "products")
        if re.search(r"\bcustomers\(", text):
            return self._page(self._since(variables, self.customers, "updatedAt"), variables, "customers")
        if re.search(r"\binventoryItems\(", text):
            items = [level["item"] | {"tracked": True} for level in self.levels]
            match = re.fullmatch(r"sku:(\S+)", (variables.get("query") or "").strip())
            if match:
                items = [item for item in items if item["sku"] == match.group(1)]
            return self._page(items, variables, "inventoryItems")
        if re.search(r"\binventorySetQuantities\(", text):
            return self._set_quantities(variables.get("input") or {})
        if re.search(r"\blocation\(", text):
            if variables.get("location") != "gid://shopify/Location/1":
                return {"location": None}, 0, None
            data, count, errors = self._page(self.levels, variables, "inventoryLevels")
            return ({"location": data} if data else None), count, errors
        if re.search(r"\bfulfillmentCreate\(", text):
            return self._fulfill(variables.get("fulfillment") or {})
        field = re.search(r"{\s*(\w+)", text)
        return None, 0, [{"message": f"Field '{field.group(1) if field else '?'}' doesn't exist on type 'QueryRoot'",
                          "locations": [{"line": 1, "column": 1}], "extensions": {"code": "undefinedField"}}]

    def _set_quantities(self, request):
        """inventorySetQuantities as of 2026-04: every quantity carries changeFromQuantity (null opts
        out of the compare-and-set check); bad input is reported in userErrors, nothing is changed."""
        def refuse(field, message, code):
            return {"inventorySetQuantities": {"inventoryAdjustmentGroup": None,
                                               "userErrors": [{"field": field, "message": message, "code": code}]}}, 1, None
        if request.get("name") not in ("available", "on_hand"):
            return refuse(["input", "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME")
        if not request.get("reason"):
            return refuse(["input", "reason"], "The reason is invalid.", "INVALID_REASON")
        quantities = request.get("quantities") or []
        for index, line in enumerate(quantities):
            key = (line.get("inventoryItemId"), line.get("locationId"))
            at = ["input", "quantities", str(index)]
            if key not in self.available_at:
                return refuse(at + ["inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM")
            if not isinstance(line.get("quantity"), int):
                return refuse(at + ["quantity"], "The quantity is invalid.", "INVALID_QUANTITY_NEGATIVE")
            if "changeFromQuantity" not in line:
                return refuse(at + ["changeFromQuantity"], "changeFromQuantity is required; pass null to skip the check.", "CHANGE_FROM_QUANTITY_REQUIRED")
            if line["changeFromQuantity"] is not None and line["changeFromQuantity"] != self.available_at[key]:
                return refuse(at + ["changeFromQuantity"], "The specified compare quantity does not match the current quantity.",
                              "CHANGE_FROM_QUANTITY_STALE")
        changes = []
        for line in quantities:
            key = (line["inventoryItemId"], line["locationId"])
            delta = line["quantity"] - self.available_at[key]
            self.available_at[key] = line["quantity"]
            for level in self.levels:
                if key == (level["item"]["id"], self.LOCATIONS[0]):
                    level["quantities"][0]["quantity"] = line["quantity"]
            sku = next((level["item"]["sku"] for level in self.levels if level["item"]["id"] == key[0]), None)
            changes.append({"name": request["name"], "delta": delta, "quantityAfterChange": line["quantity"],
                            "item": {"id": key[0], "sku": sku}, "location": {"id": key[1]}})
        group = {"id": f"gid://shopify/InventoryAdjustmentGroup/{len(self.adjustments) + 1}", "reason": request["reason"], "changes": changes}
        self.adjustments.append(group)
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": group, "userErrors": []}}, 1, None

    def _fulfill(self, fulfillment):
        groups = fulfillment.get("lineItemsByFulfillmentOrder") or []
        open_ids = {o["fulfillmentOrders"]["nodes"][0]["id"]: o for o in self.orders}
        for index, group in enumerate(groups):
            order = open_ids.get(group.get("fulfillmentOrderId"))
            if order is None or order["fulfillmentOrders"]["nodes"][0]["status"] != "OPEN":
                return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [{
                    "field": ["fulfillment", "lineItemsByFulfillmentOrder", str(index), "fulfillmentOrderId"],
                    "message": "Fulfillment order does not exist or is not open."}]}}, 1, None
        if not groups:
            return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [{
                "field": ["fulfillment", "lineItemsByFulfillmentOrder"], "message": "Line items by fulfillment order can't be blank"}]}}, 1, None
        for group in groups:
            order = open_ids[group["fulfillmentOrderId"]]
            order["fulfillmentOrders"]["nodes"][0]["status"] = "CLOSED"
            order["displayFulfillmentStatus"] = "FULFILLED"
        tracking = fulfillment.get("trackingInfo") or {}
        created = {"id": f"gid://shopify/Fulfillment/{len(self.fulfillments) + 1}", "status": "SUCCESS",
                   "trackingInfo": [{"number": tracking.get("number"), "company": tracking.get("company"), "url": tracking.get("url")}]}
        self.fulfillments.append({"input": fulfillment, "fulfillment": created})
        return {"fulfillmentCreate": {"fulfillment": created, "userErrors": []}}, 1, None


# ---------------------------------------------------------------- WooCommerce (REST wc/v3)

class WooCommerce(Fake):
    def __init__(self, key="ck_test_key", secret="cs_test_secret", orders=230):
        super().__init__()
        self.credentials = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.orders = [{"id": 500 + i, "number": str(500 + i), "status": ["processing", "completed", "on-hold"][i % 3],
                        "date_modified_gmt": (BASE_TIME + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%S"),
                        "total": f"{20 + i}.00", "currency": "EUR", "billing": {"email": f"buyer{i}@example.com"},
                        "line_items": [{"id": i, "sku": f"SKU-{i % 9}", "quantity": 1}]} for i in range(orders)]
        self.products = [{"id": 40 + i, "name": f"Product {i}", "sku": f"SKU-{i}", "manage_stock": True, "stock_quantity": i,
                          "stock_status": "instock" if i else "outofstock",
                          "date_modified_gmt": (BASE_TIME + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%S")} for i in range(150)]
        self.customers = [{"id": i, "email": f"buyer{i}@example.com", "first_name": "Buyer", "last_name": str(i)} for i in range(1, 8)]

    @staticmethod
    def error(status, code, message, **extra):
        return status, {}, {"code": code, "message": message, "data": {"status": status, **extra}}

    def handle(self, method, path, query, headers, body):
        if not path.startswith("/wp-json/wc/v3/"):
            return self.error(404, "rest_no_route", "No route was found matching the URL and request method.")
        if headers.get("Authorization") != "Basic " + self.credentials:
            return self.error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        route = path[len("/wp-json/wc/v3"):]
        q = {k: v[-1] for k, v in query.items()}
        if route == "/orders" and method == "GET":
            orders = self.orders
            if "modified_after" in q:
                since = parse_iso(q["modified_after"])
                orders = [o for o in orders if parse_iso(o["date_modified_gmt"]) >= since]
            if "status" in q:
                orders = [o for o in orders if o["status"] == q["status"]]
            return self.listing(orders, q)
        match = re.fullmatch(r"/orders/(\d+)", route)
        if match and method == "GET":
            order = next((o for o in self.orders if o["id"] == int(match.group(1))), None)
            return (200, {}, order) if order else self.error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        if route == "/products" and method == "GET":
            products = self.products
            if "_fields" in q:
                keep = q["_fields"].split(",")
                products = [{k: p[k] for k in keep if k in p} for p in products]
            return self.listing(products, q)
        match = re.fullmatch(r"/products/(\d+)", route)
        if match and method == "PUT":
            product = next((p for p in self.products if p["id"] == int(match.group(1))), None)
            if product is None:
                return self.error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            change = json.loads(body or b"{}")
            quantity = change.get("stock_quantity")
            if quantity is not None and not isinstance(quantity, int):
                return self.error(400, "rest_invalid_param", "Invalid parameter(s): stock_quantity",
                                  params={"stock_quantity": "stock_quantity is not of type integer,null."})
            product.update({k: v for k, v in change.items() if k in ("stock_quantity", "manage_stock")})
            product["stock_status"] = "instock" if (product["stock_quantity"] or 0) > 0 else "outofstock"
            return 200, {}, product
        if route == "/customers" and method == "GET":
            return self.listing(self.customers, q)
        if route == "/system_status" and method == "GET":
            return 200, {}, {"environment": {"version": "9.9.0"}}
        return self.error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def listing(self, items, q):
        per_page, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        if not 1 <= per_page <= 100:
            return self.error(400, "rest_invalid_param", "Invalid parameter(s): per_page",
                              params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"})
        pages = (len(items) + per_page - 1) // per_page
        return 200, {"X-WP-Total": len(items), "X-WP-TotalPages": pages}, items[(page - 1) * per_page: page * per_page]


# ---------------------------------------------------------------- BigCommerce (REST v2/v3)

class BigCommerce(Fake):
    def __init__(self, store_hash="abc123", token="bc_test_token", orders=120, quota=8, window_ms=1000):
        super().__init__()
        self.store_hash = store_hash
        self.token = token
        self.quota = quota
        self.window_ms = window_ms
        self.window_start = time.monotonic()
        self.used = 0
        self.orders = [{"id": 100 + i, "status": "Awaiting Fulfillment", "status_id": 11,
                        "date_modified": (BASE_TIME + timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S +0000"),
                        "total_inc_tax": f"{30 + i}.0000", "billing_address": {"email": f"buyer{i}@example.com"}}
                       for i in range(orders)]
        self.products = [{"id": i, "name": f"Product {i}", "sku": f"SKU-{i}", "inventory_level": i,
                          "date_modified": iso(BASE_TIME + timedelta(days=i))} for i in range(1, 131)]
        self.variants = [{"id": i, "product_id": i, "sku": f"SKU-{i}", "inventory_level": i * 2} for i in range(1, 61)]
        self.customers = [{"id": i, "email": f"buyer{i}@example.com", "date_modified": iso(BASE_TIME + timedelta(days=i))}
                          for i in range(1, 21)]
        self.shipments = []

    def rate_headers(self, left, reset_ms):
        return {"X-Rate-Limit-Requests-Left": left, "X-Rate-Limit-Time-Reset-Ms": reset_ms,
                "X-Rate-Limit-Time-Window-Ms": self.window_ms, "X-Rate-Limit-Requests-Quota": self.quota}

    def handle(self, method, path, query, headers, body):
        prefix = f"/stores/{self.store_hash}"
        if not path.startswith(prefix):
            return 404, {}, {"status": 404, "title": "Store not found", "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"}
        if headers.get("X-Auth-Token") != self.token:
            return 401, {}, {"status": 401, "title": "Unauthorized", "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"}
        now = time.monotonic()
        elapsed_ms = (now - self.window_start) * 1000
        if elapsed_ms >= self.window_ms:
            self.window_start, self.used, elapsed_ms = now, 0, 0
        reset_ms = max(1, int(self.window_ms - elapsed_ms))
        if self.used >= self.quota:
            self.throttled += 1
            return 429, self.rate_headers(0, reset_ms), {"status": 429, "title": "Too many requests",
                                                          "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"}
        self.used += 1
        status, extra, payload = self.route(method, path[len(prefix):], {k: v[-1] for k, v in query.items()}, body)
        return status, {**self.rate_headers(self.quota - self.used, reset_ms), **extra}, payload

    @staticmethod
    def v2_error(status, message):
        return status, {}, [{"status": status, "message": message}]

    def v3_page(self, items, q):
        limit, page = int(q.get("limit", 50)), int(q.get("page", 1))
        if not 1 <= limit <= 250:
            return 422, {}, {"status": 422, "title": "Input is invalid", "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                             "errors": {"limit": "limit must be between 1 and 250"}}
        pages = max(1, (len(items) + limit - 1) // limit)
        data = items[(page - 1) * limit: page * limit]
        links = {"current": f"?page={page}&limit={limit}"}
        if page < pages:
            links["next"] = f"?page={page + 1}&limit={limit}"
        if page > 1:
            links["previous"] = f"?page={page - 1}&limit={limit}"
        return 200, {}, {"data": data, "meta": {"pagination": {"total": len(items), "count": len(data), "per_page": limit,
                                                              "current_page": page, "total_pages": pages, "links": links}}}

    def route(self, method, route, q, body):
        if route == "/v2/orders" and method == "GET":
            orders = self.orders
            if "min_date_modified" in q:
                since = parse_iso(q["min_date_modified"])
                orders = [o for o in orders if datetime.strptime(o["date_modified"], "%a, %d %b %Y %H:%M:%S %z") >= since]
            limit, page = int(q.get("limit", 50)), int(q.get("page", 1))
            if not 1 <= limit <= 250:
                return self.v2_error(400, "The field 'limit' is invalid.")
            data = orders[(page - 1) * limit: page * limit]
            return (200, {}, data) if data else (204, {}, None)
        match = re.fullmatch(r"/v2/orders/(\d+)", route)
        if match and method == "GET":
            order = next((o for o in self.orders if o["id"] == int(match.group(1))), None)
            return (200, {}, order) if order else self.v2_error(404, "The requested resource was not found.")
        match = re.fullmatch(r"/v2/orders/(\d+)/shipments", route)
        if match and method == "POST":
            order = next((o for o in self.orders if o["id"] == int(match.group(1))), None)
            if order is None:
                return self.v2_error(404, "The requested resource was not found.")
            shipment = json.loads(body or b"{}")
            if not isinstance(shipment.get("order_address_id"), int):
                return self.v2_error(400, "The field 'order_address_id' is invalid.")
            if not shipment.get("items"):
                return self.v2_error(400, "The field 'items' cannot be empty.")
            created = {"id": len(self.shipments) + 1, "order_id": order["id"], **shipment, "date_created": iso(BASE_TIME)}
            self.shipments.append(created)
            order["status"], order["status_id"] = "Shipped", 2
            return 201, {}, created
        if route == "/v3/catalog/products" and method == "GET":
            items = self.products
            if "date_modified:min" in q:
                since = parse_iso(q["date_modified:min"])
                items = [p for p in items if parse_iso(p["date_modified"]) >= since]
            return self.v3_page(items, q)
        if route == "/v3/catalog/variants" and method == "GET":
            return self.v3_page(self.variants, q)
        if route == "/v3/customers" and method == "GET":
            return self.v3_page(self.customers, q)
        if route == "/v2/store" and method == "GET":
            return 200, {}, {"id": self.store_hash, "name": "Fake store"}
        return self.v2_error(404, "The requested resource was not found.")


# ---------------------------------------------------------------- Magento 2 / Adobe Commerce (REST)

class Magento(Fake):
    def __init__(self, token="magento_integration_token", orders=250, limit_per_second=None):
        super().__init__()
        self.token = token
        self.limit_per_second = limit_per_second
        self.recent = []
        self.orders = [{"entity_id": 1 + i, "increment_id": f"0000{1000 + i}", "status": "processing", "state": "processing",
                        "updated_at": (BASE_TIME + timedelta(minutes=17 * i)).strftime("%Y-%m-%d %H:%M:%S"),
                        "grand_total": 40 + i, "customer_email": f"buyer{i}@example.com",
                        "items": [{"item_id": 10 * (1 + i) + n, "sku": f"SKU-{n}", "qty_ordered": 2, "qty_shipped": 0} for n in range(2)]}
                       for i in range(orders)]
        self.products = [{"id": i, "sku": f"SKU-{i}", "name": f"Product {i}", "price": 9.5, "status": 1} for i in range(1, 46)]
        self.source_items = [{"sku": f"SKU-{i}", "source_code": "default", "quantity": i, "status": 1} for i in range(1, 46)]
        self.customers = [{"id": i, "email": f"buyer{i}@example.com", "firstname": "Buyer", "lastname": str(i)} for i in range(1, 9)]
        self.shipments = []

    @staticmethod
    def error(status, message, parameters=None):
        return status, {}, ({"message": message, "parameters": parameters} if parameters is not None else {"message": message})

    def handle(self, method, path, query, headers, body):
        prefix = "/rest/default/V1"
        if not path.startswith(prefix):
            return self.error(404, "Request does not match any route.")
        if headers.get("Authorization") != "Bearer " + self.token:
            return self.error(401, "The consumer isn't authorized to access %resources.", {"resources": "Magento_Sales::actions_view"})
        if self.limit_per_second:
            now = time.monotonic()
            self.recent = [t for t in self.recent if now - t < 1.0]
            if len(self.recent) >= self.limit_per_second:
                self.throttled += 1
                return self.error(429, "Too Many Requests")
            self.recent.append(now)
        route = path[len(prefix):]
        q = {k: v[-1] for k, v in query.items()}
        if route == "/orders" and method == "GET":
            return self.search(self.orders, q)
        match = re.fullmatch(r"/orders/(\d+)", route)
        if match and method == "GET":
            order = next((o for o in self.orders if o["entity_id"] == int(match.group(1))), None)
            return (200, {}, order) if order else self.error(404, "The entity that was requested doesn't exist. Verify the entity and try again.")
        if route == "/products" and method == "GET":
            return self.search(self.products, q)
        if route == "/inventory/source-items" and method == "GET":
            return self.search(self.source_items, q)
        if route == "/customers/search" and method == "GET":
            return self.search(self.customers, q)
        match = re.fullmatch(r"/order/(\d+)/ship", route)
        if match and method == "POST":
            return self.ship(int(match.group(1)), json.loads(body or b"{}"))
        if route == "/store/storeConfigs" and method == "GET":
            return 200, {}, [{"id": 1, "code": "default"}]
        return self.error(404, "Request does not match any route.")

    def search(self, items, q):
        criteria = {k: v for k, v in q.items() if k.startswith("searchCriteria")}
        if not criteria:
            return self.error(400, "%fieldName is a required field.", {"fieldName": "searchCriteria"})
        for key, value in criteria.items():
            match = re.fullmatch(r"searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[field\]", key)
            if not match:
                continue
            base = f"searchCriteria[filter_groups][{match.group(1)}][filters][{match.group(2)}]"
            wanted, condition = criteria.get(base + "[value]", ""), criteria.get(base + "[condition_type]", "eq")
            if condition == "gteq" and value == "updated_at":
                if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", wanted):
                    return self.error(400, 'Invalid value of "%value" provided for the %fieldName field.', {"value": wanted, "fieldName": "updated_at"})
                items = [i for i in items if i["updated_at"] >= wanted]
        if criteria.get("searchCriteria[sortOrders][0][field]") == "updated_at":
            items = sorted(items, key=lambda i: i["updated_at"])
        size = int(criteria.get("searchCriteria[pageSize]", 0) or 0) or len(items) or 1
        page = int(criteria.get("searchCriteria[currentPage]", 1))
        last = max(1, (len(items) + size - 1) // size)
        page = min(max(page, 1), last)  # Magento collections answer the last page for a page past it
        return 200, {}, {"items": items[(page - 1) * size: page * size], "search_criteria": {"current_page": page, "page_size": size},
                         "total_count": len(items)}

    def ship(self, order_id, shipment):
        order = next((o for o in self.orders if o["entity_id"] == order_id), None)
        if order is None:
            return self.error(404, "The entity that was requested doesn't exist. Verify the entity and try again.")
        for key in shipment:
            if key not in ("items", "notify", "appendComment", "comment", "tracks", "packages", "arguments"):
                return self.error(400, 'Property "%fieldName" does not have accessor method "%accessor" in class "%className".',
                                  {"fieldName": key, "accessor": "get" + key.title().replace("_", ""),
                                   "className": "Magento\\Sales\\Api\\Data\\ShipmentItemCreationInterface"})
        for line in shipment.get("items") or []:
            item = next((i for i in order["items"] if i["item_id"] == line.get("order_item_id")), None)
            if item is None or line.get("qty", 0) > item["qty_ordered"] - item["qty_shipped"]:
                return self.error(400, "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.")
        for line in shipment.get("items") or []:
            next(i for i in order["items"] if i["item_id"] == line["order_item_id"])["qty_shipped"] += line["qty"]
        self.shipments.append({"order_id": order_id, **shipment})
        return 200, {}, len(self.shipments)


# ---------------------------------------------------------------- a generic WMS (REST)

class WMS(Fake):
    """A fake of a generic warehouse management system's REST API, not of any one product: the
    shape most WMS order-intake and stock APIs share, for the blueprints' tests.

    * ``X-Api-Key`` authentication; errors ``{"error": {"code", "message", "field"?}}``.
    * ``POST /api/v1/orders`` takes an order ``{reference, carrier, ship_to, lines: [{sku, quantity}]}``:
      201 with ``{id, reference, status}`` (200 when the reference exists: the order is updated);
      422 naming the field when something is missing. It honours ``Idempotency-Key``: the same key
      with the same body answers the first answer again (``Idempotent-Replayed: true``) without a
      second order; the same key with another body is refused (422 ``idempotency_key_reused``).
    * ``GET /api/v1/stock?page=N&per_page=M`` (``per_page`` 1-100, default 50): ``{items: [{sku,
      warehouse, on_hand, available}], page, per_page, total_pages, total_items}``.
    """

    def __init__(self, api_key="wms_test_key", skus=70, warehouses=("LON", "MAN")):
        super().__init__()
        self.api_key = api_key
        self.orders = {}          # reference -> stored order
        self.received = []        # every order accepted, in order (updates too)
        self.keys = {}            # Idempotency-Key -> (body, status, answer)
        self.replayed = 0
        self.stock = [{"sku": f"SKU-{i}", "warehouse": warehouse, "on_hand": 10 * i + 5 + n, "available": 10 * i + n}
                      for i in range(skus) for n, warehouse in enumerate(warehouses)]

    @staticmethod
    def error(status, code, message, field=None):
        return status, {}, {"error": {"code": code, "message": message, **({"field": field} if field else {})}}

    def handle(self, method, path, query, headers, body):
        if headers.get("X-Api-Key") != self.api_key:
            return self.error(401, "unauthorized", "missing or invalid API key")
        if path == "/api/v1/health" and method == "GET":
            return 200, {}, {"status": "ok"}
        if path == "/api/v1/orders" and method == "POST":
            key = headers.get("Idempotency-Key")
            if key and key in self.keys:
                first_body, status, answer = self.keys[key]
                if first_body != body:
                    return self.error(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request")
                self.replayed += 1
                return status, {"Idempotent-Replayed": "true"}, answer
            status, extra, answer = self.intake(body)
            if key and status < 300:
                self.keys[key] = (body, status, answer)
            return status, extra, answer
        if path == "/api/v1/stock" and method == "GET":
            q = {k: v[-1] for k, v in query.items()}
            try:
                per_page, page = int(q.get("per_page", 50)), int(q.get("page", 1))
            except ValueError:
                return self.error(400, "invalid_parameter", "page and per_page are whole numbers")
            if not 1 <= per_page <= 100:
                return self.error(400, "invalid_parameter", "per_page must be between 1 and 100", "per_page")
            pages = max(1, (len(self.stock) + per_page - 1) // per_page)
            return 200, {}, {"items": self.stock[(page - 1) * per_page: page * per_page], "page": page, "per_page": per_page,
                             "total_pages": pages, "total_items": len(self.stock)}
        return self.error(404, "not_found", f"no route {method} {path}")

    def intake(self, body):
        try:
            order = json.loads(body or b"{}")
        except ValueError:
            return self.error(400, "invalid_json", "the body is not JSON")
        if not isinstance(order, dict):
            return self.error(422, "invalid_order", "an order is a JSON object")
        for field in ("reference", "carrier"):
            if not isinstance(order.get(field), str) or not order[field]:
                return self.error(422, "invalid_order", f"{field} is required", field)
        lines = order.get("lines")
        if not isinstance(lines, list) or not lines:
            return self.error(422, "invalid_order", "an order needs at least one line", "lines")
        for index, line in enumerate(lines):
            if not isinstance(line, dict) or not line.get("sku") or not isinstance(line.get("quantity"), int) or line["quantity"] < 1:
                return self.error(422, "invalid_order", "each line needs a sku and a quantity of at least 1", f"lines[{index}]")
        existing = self.orders.get(order["reference"])
        stored = {**order, "id": existing["id"] if existing else f"WMS-{len(self.orders) + 1:05d}", "status": "received"}
        self.orders[order["reference"]] = stored
        self.received.append(stored)
        return (200 if existing else 201), {}, {"id": stored["id"], "reference": stored["reference"], "status": stored["status"]}


SYSTEMS = {"shopify": Shopify, "woocommerce": WooCommerce, "bigcommerce": BigCommerce, "magento": Magento, "wms": WMS}


def main():
    """Runs one fake in the foreground, to try a connector without a real store."""
    import argparse
    parser = argparse.ArgumentParser(description="Run a fake e-commerce system or WMS on 127.0.0.1.")
    parser.add_argument("system", choices=sorted(SYSTEMS))
    parser.add_argument("--port", type=int, default=0, help="the port (default: any free one)")
    args = parser.parse_args()
    fake = SYSTEMS[args.system]().start(args.port)
    secrets = {"shopify": f"access_token={fake.token if hasattr(fake, 'token') else ''}",
               "woocommerce": "consumer_key=ck_test_key consumer_secret=cs_test_secret",
               "bigcommerce": f"access_token={getattr(fake, 'token', '')} (store_hash={getattr(fake, 'store_hash', '')}, address {fake.url}/stores/{getattr(fake, 'store_hash', '')})",
               "magento": f"access_token={getattr(fake, 'token', '')}",
               "wms": f"api_key={getattr(fake, 'api_key', '')} (X-Api-Key)"}[args.system]
    print(f"{args.system} fake on {fake.url}; credentials: {secrets}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
