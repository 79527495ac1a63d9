"""The Python peer of `skein bench jsonata`: the same expression over the same generated orders,
with PyPI's jsonata-python (pure Python). Prints one JSON object like the Swift side's --json.

    python3 Benchmarks/jsonata_peer.py --orders 100000 --repetitions 5
"""
import argparse
import json
import statistics
import time

import jsonata

# Kept identical to JSONataBenchmark.expression in Sources/SkeinBenchmarks/JSONataBenchmark.swift.
EXPRESSION = """
{
  "order_number": $string(id),
  "reference": name,
  "email": $lowercase(customer.email),
  "customer": customer.first_name & " " & customer.last_name,
  "currency": currency,
  "total": $round($sum(line_items.(quantity * price)), 2),
  "lines": [$map(line_items, function($l, $i) {
    {"line": $i + 1, "sku": $uppercase($l.sku), "qty": $l.quantity, "amount": $round($l.quantity * $l.price, 2)}
  })],
  "shipping": shipping_lines[0].code = "express" ? "EXPRESS" : "STANDARD",
  "paid": financial_status = "paid"
}
"""


def order(i):
    """Order i, kept identical to JSONataBenchmark.order in Sources/SkeinBenchmarks/JSONataBenchmark.swift."""
    lines = [
        {"sku": f"sku-{i % 50}-{j}", "quantity": float(1 + (i + j) % 3), "price": ((i * 7 + j * 13) % 5000) / 100 + 1}
        for j in range(1 + i % 4)
    ]
    return {
        "id": float(1000 + i),
        "name": f"#{1000 + i}",
        "financial_status": "pending" if i % 4 == 3 else "paid",
        "currency": "GBP" if i % 2 == 0 else "EUR",
        "customer": {"first_name": f"Ann{i}", "last_name": "Lee", "email": f"Customer{i}@Example.com"},
        "line_items": lines,
        "shipping_lines": [{"code": "express" if i % 3 == 0 else "standard"}],
    }


def checksum(results):
    documents = lines = 0
    total = 0.0
    for document in results:
        if isinstance(document, dict):
            documents += 1
            found = document.get("lines")
            lines += len(found) if isinstance(found, list) else (0 if found is None else 1)
            total += document.get("total") or 0
    return {"documents": documents, "lines": lines, "total": round(total * 100) / 100}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    orders = [order(i) for i in range(args.orders)]
    compiled = jsonata.Jsonata(EXPRESSION)
    seconds = []
    results = []
    for _ in range(args.repetitions):
        results = []
        started = time.perf_counter()
        for document in orders:
            results.append(compiled.evaluate(document))
        seconds.append(time.perf_counter() - started)
    print(json.dumps({
        "scenario": "jsonata", "implementation": "jsonata-python", "orders": args.orders,
        "seconds": seconds, "median_seconds": statistics.median(seconds), "checksum": checksum(results),
    }))


if __name__ == "__main__":
    main()
