import JSONata
public import SkeinJSON

/// The JSONata comparison of docs/benchmarks.md (`skein bench jsonata`): one realistic
/// order-mapping expression, compiled once, evaluated over many generated orders — what a `map`
/// shape with a `transform:` does to a large import. Benchmarks/jsonata_peer.py runs the same
/// expression over the same orders with jsonata-python; `checksum` is what both must agree on.
public enum JSONataBenchmark {
    /// Kept identical to `EXPRESSION` in Benchmarks/jsonata_peer.py.
    public static let expression = """
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

    /// Order `i`, kept identical to `order(i)` in Benchmarks/jsonata_peer.py.
    public static func order(_ i: Int) -> JSON {
        var lines: [JSON] = []
        for j in 0..<(1 + i % 4) {
            lines.append([
                "sku": .string("sku-\(i % 50)-\(j)"),
                "quantity": .number(Double(1 + (i + j) % 3)),
                "price": .number(Double((i * 7 + j * 13) % 5000) / 100 + 1),
            ])
        }
        return [
            "id": .number(Double(1000 + i)),
            "name": .string("#\(1000 + i)"),
            "financial_status": i % 4 == 3 ? "pending" : "paid",
            "currency": i % 2 == 0 ? "GBP" : "EUR",
            "customer": ["first_name": .string("Ann\(i)"), "last_name": "Lee", "email": .string("Customer\(i)@Example.com")],
            "line_items": .array(lines),
            "shipping_lines": [["code": i % 3 == 0 ? "express" : "standard"]],
        ]
    }

    /// What one measurement found: each repetition's seconds, their median and the results' checksum.
    public struct Figures: Sendable {
        public var seconds: [Double]
        public var median: Double
        public var checksum: JSON
    }

    /// Maps `orders` generated orders `repetitions` times with one compiled expression.
    public static func measure(orders: Int, repetitions: Int) throws -> Figures {
        let input = (0..<orders).map(order)
        let compiled = try JSONataExpression(compiling: expression)
        let limits = JSONataLimits.default
        var seconds: [Double] = []
        var results: [JSON?] = []
        for _ in 0..<repetitions {
            results = []
            results.reserveCapacity(orders)
            let clock = ContinuousClock()
            let started = clock.now
            for order in input { results.append(try compiled.evaluate(input: order, limits: limits)) }
            let elapsed = clock.now - started
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return Figures(seconds: seconds, median: median(seconds), checksum: checksum(results))
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// What both implementations must agree on: how many documents, lines and the sum of totals.
    public static func checksum(_ results: [JSON?]) -> JSON {
        var documents = 0
        var lines = 0
        var total = 0.0
        for case .object(let document)? in results {
            documents += 1
            lines += document["lines"]?.arrayValue?.count ?? (document["lines"] == nil ? 0 : 1)
            total += document["total"]?.numberValue ?? 0
        }
        return [
            "documents": .number(Double(documents)), "lines": .number(Double(lines)),
            "total": .number((total * 100).rounded() / 100),
        ]
    }
}
