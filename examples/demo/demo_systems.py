#!/usr/bin/env python3
"""Two small systems for Skein's demo and end-to-end tests, on 127.0.0.1.

* The shop: ``GET /orders?page=N`` returns pages of orders (``{"orders": [...]}``; an
  empty list after the last page).
* The ERP: ``POST /orders`` accepts one order. It keeps orders by ``order_number`` (or, without
  one, by the ``Idempotency-Key`` header) and remembers every key it saw, so an order sent twice
  is stored once (the second counts in ``duplicates``), and can be told to be
  slow (``--erp-delay``) or down for its first N requests (``--erp-fail-first``).
  ``GET /received`` lists what it holds; ``GET /stats`` counts requests.

Run standalone: ``python3 demo_systems.py --shop-port 8081 --erp-port 8082``.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def make_orders(count):
    statuses = ["paid", "pending", "paid", "refunded", "paid"]
    return [
        {
            "id": 1000 + i,
            "name": f"#{1000 + i}",
            "financial_status": statuses[i % len(statuses)],
            "total_price": f"{(i % 7) * 10 + 9.9:.2f}",
            "currency": "GBP",
            "customer": {"email": f"customer{i}@example.com", "first_name": f"Customer {i}"},
            "line_items": [{"sku": f"SKU-{i % 5}", "quantity": 1 + i % 3, "price": "9.90"}],
        }
        for i in range(count)
    ]


class JSONHandler(BaseHTTPRequestHandler):
    """Answers with JSON bodies and keeps the test output quiet."""

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Shop:
    def __init__(self, orders=25, page_size=10):
        self.orders = make_orders(orders)
        self.page_size = page_size
        self.requests = 0

    def handler(self):
        shop = self

        class Handler(JSONHandler):

            def do_GET(self):
                shop.requests += 1
                url = urlparse(self.path)
                if url.path != "/orders":
                    return self._send(404, {"error": "not found"})
                page = int(parse_qs(url.query).get("page", ["1"])[0])
                start = (page - 1) * shop.page_size
                self._send(200, {"orders": shop.orders[start:start + shop.page_size], "page": page})


        return Handler


class ERP:
    def __init__(self, delay=0.0, fail_first=0, retry_after=None):
        self.delay = delay
        self.fail_first = fail_first
        self.retry_after = retry_after  # seconds, sent as Retry-After with each 503
        self.lock = threading.Lock()
        self.received = {}
        self.keys = set()
        self.requests = 0
        self.duplicates = 0

    def handler(self):
        erp = self

        class Handler(JSONHandler):

            def do_GET(self):
                if self.path == "/received":
                    with erp.lock:
                        return self._send(200, list(erp.received.values()))
                if self.path == "/stats":
                    with erp.lock:
                        return self._send(200, {"requests": erp.requests, "stored": len(erp.received), "duplicates": erp.duplicates})
                self._send(404, {"error": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with erp.lock:
                    erp.requests += 1
                    failing = erp.requests <= erp.fail_first
                if erp.delay:
                    time.sleep(erp.delay)
                if failing:
                    headers = {"Retry-After": str(erp.retry_after)} if erp.retry_after is not None else None
                    return self._send(503, {"error": "ERP is down for maintenance"}, headers)
                try:
                    order = json.loads(body)
                except ValueError:
                    return self._send(400, {"error": "invalid JSON"})
                idempotency_key = self.headers.get("Idempotency-Key")
                number = order.get("order_number") if isinstance(order, dict) else None
                key = str(number) if number is not None else (idempotency_key or "")
                with erp.lock:
                    if key in erp.received or idempotency_key in erp.keys:
                        erp.duplicates += 1
                    else:
                        erp.received[key] = order
                    if idempotency_key:
                        erp.keys.add(idempotency_key)
                self._send(201, {"erp_id": f"ERP-{key}", "order_number": number})


        return Handler


def serve(handler, port=0):
    """Starts a threaded HTTP server on 127.0.0.1 in the background; returns it (port in server_port)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shop-port", type=int, default=8081)
    parser.add_argument("--erp-port", type=int, default=8082)
    parser.add_argument("--orders", type=int, default=25)
    parser.add_argument("--erp-delay", type=float, default=0.0)
    parser.add_argument("--erp-fail-first", type=int, default=0)
    args = parser.parse_args()
    serve(Shop(args.orders).handler(), args.shop_port)
    serve(ERP(args.erp_delay, args.erp_fail_first).handler(), args.erp_port)
    print(f"shop on http://127.0.0.1:{args.shop_port}/orders, ERP on http://127.0.0.1:{args.erp_port}/orders", flush=True)
    while True:
        time.sleep(3600)
