import Foundation
import SkeinInstrumentation
import Testing

@Suite struct MetricCatalogueTests {
    /// docs/operations.md, read from the repository this test file sits in.
    static func operationsDoc() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
    }

    @Test func theOperationsGuideListsEveryMetricWithItsTypeAndLabels() throws {
        let rows = try Self.operationsDoc().split(separator: "\n").filter { $0.hasPrefix("| `skein_") }
        let documented = Dictionary(
            rows.map { row in
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                return (cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells)
            }, uniquingKeysWith: { first, _ in first })
        for metric in SkeinMetric.all {
            let cells = try #require(documented[metric.name], "docs/operations.md has no row for \(metric.name)")
            #expect(cells[1] == metric.kind.rawValue, "\(metric.name) is a \(metric.kind.rawValue)")
            let labels = metric.labels.isEmpty ? "—" : metric.labels.map { "`\($0)`" }.joined(separator: ", ")
            #expect(cells[2] == labels, "\(metric.name) has the labels \(metric.labels)")
        }
        #expect(Set(documented.keys) == Set(SkeinMetric.all.map(\.name)), "the guide lists a metric Skein does not emit")
    }

    @Test func namesFollowPrometheusConventions() {
        for metric in SkeinMetric.all {
            #expect(metric.name.hasPrefix("skein_"))
            switch metric.kind {
            case .counter: #expect(metric.name.hasSuffix("_total"), "\(metric.name): counters end in _total")
            case .histogram:
                #expect(metric.name.hasSuffix("_seconds"), "\(metric.name): duration histograms are in seconds")
                #expect(metric.buckets == metric.buckets.sorted() && !metric.buckets.isEmpty)
            case .gauge: #expect(!metric.name.hasSuffix("_total"))
            }
            #expect(!metric.labels.contains { ["run", "run_id", "id"].contains($0) }, "\(metric.name): run ids are not labels")
        }
        #expect(Set(SkeinMetric.all.map(\.name)).count == SkeinMetric.all.count)
    }
}
