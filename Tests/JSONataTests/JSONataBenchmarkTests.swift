import Foundation
import JSONata
import SkeinJSON
import Testing

/// A throughput check for the map-shape workload (one expression over many orders). It only runs
/// when `JSONATA_BENCH` is set, and is meant for release builds:
/// `JSONATA_BENCH=100000 swift test -c release --filter JSONataBenchmarkTests`.
struct JSONataBenchmarkTests {
    static let shape = """
        {
          "orderId": id,
          "customer": customer.name & " (" & $uppercase(customer.tier) & ")",
          "total": $round($sum(lines.(qty * price)), 2),
          "skus": lines.sku,
          "bulky": lines[qty > 1].sku,
          "lineCount": $count(lines),
          "express": shipping.method = "express" ? true : false
        }
        """

    static func order(_ index: Int) -> JSON {
        var lines: [JSON] = []
        for line in 0..<(1 + index % 5) {
            lines.append(["sku": .string("SKU-\(line)"), "qty": .number(Double(1 + (index + line) % 3)), "price": .number(Double(line) * 2.5 + 1)])
        }
        return [
            "id": .number(Double(index)),
            "customer": ["name": .string("Customer \(index)"), "tier": index % 2 == 0 ? "gold" : "silver"],
            "shipping": ["method": index % 3 == 0 ? "express" : "ground"],
            "lines": .array(lines),
        ]
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["JSONATA_BENCH"] != nil))
    func mapShapeOverManyOrders() throws {
        let count = Int(ProcessInfo.processInfo.environment["JSONATA_BENCH"] ?? "") ?? 100_000
        let orders = (0..<count).map(Self.order)
        let expression = try JSONataExpression(compiling: Self.shape)
        let started = Date()
        var produced = 0
        for order in orders where try expression.evaluate(input: order) != nil { produced += 1 }
        let elapsed = Date().timeIntervalSince(started)
        print("JSONata map shape: \(count) orders in \(String(format: "%.2f", elapsed))s (\(String(format: "%.1f", elapsed / Double(count) * 1e6)) µs/order)")
        #expect(produced == count)
    }
}
