import ArgumentParser
import Foundation
import JSONata
import SkeinJSON

/// `skein bench`: measured scenarios for docs/benchmarks.md. Build with `-c release` first;
/// scripts/bench.sh runs every scenario with its baseline and writes the figures.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark scenario (use a release build).",
        subcommands: [JSONataBench.self, SyncBench.self, FlowBench.self, RunsBench.self])
}

/// Compiles one realistic order-mapping expression once and evaluates it over many orders — what
/// a `map` shape with a `transform:` does to a large import.
struct JSONataBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonata",
        abstract: "Map N generated orders with one compiled JSONata expression.",
        discussion: "Benchmarks/jsonata_peer.py runs the same expression over the same orders with jsonata-python.")

    @Option(help: "How many orders to map per repetition.") var orders: Int = 100_000
    @Option(help: "How many timed repetitions (the median is reported).") var repetitions: Int = 5
    @Flag(help: "Print the figures as JSON.") var json = false

    /// Kept identical to `EXPRESSION` in Benchmarks/jsonata_peer.py.
    static let expression = """
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
    static func order(_ i: Int) -> JSON {
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

    func validate() throws {
        if orders < 1 { throw ValidationError("--orders must be positive") }
        if repetitions < 1 { throw ValidationError("--repetitions must be positive") }
    }

    func run() async throws {
        let input = (0..<orders).map(Self.order)
        let compiled = try JSONataExpression(compiling: Self.expression)
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
        let median = Self.median(seconds)
        let checksum = Self.checksum(results)
        if json {
            let figures: JSON = [
                "scenario": "jsonata", "implementation": "skein (Swift)", "orders": .number(Double(orders)),
                "seconds": .array(seconds.map { .number($0) }), "median_seconds": .number(median),
                "checksum": checksum,
            ]
            print(figures.serialized())
        } else {
            print("jsonata: \(orders) orders × \(repetitions): median \(String(format: "%.3f", median))s "
                + "(\(String(format: "%.2f", median / Double(orders) * 1e6)) µs/order); runs "
                + seconds.map { String(format: "%.3f", $0) }.joined(separator: ", "))
            print("checksum \(checksum.serialized())")
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// What both implementations must agree on: how many documents, lines and the sum of totals.
    static func checksum(_ results: [JSON?]) -> JSON {
        var documents = 0
        var lines = 0
        var total = 0.0
        for case .object(let document)? in results {
            documents += 1
            lines += document["lines"]?.arrayValue?.count ?? (document["lines"] == nil ? 0 : 1)
            total += document["total"]?.numberValue ?? 0
        }
        return ["documents": .number(Double(documents)), "lines": .number(Double(lines)),
                "total": .number((total * 100).rounded() / 100)]
    }
}
