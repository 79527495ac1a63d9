import ArgumentParser
import Foundation
import SkeinApp
import SkeinBenchmarks
import SkeinCore
import SkeinJSON
import SkeinStorage

/// `skein bench sync`: fills the sync report with synthetic entries and times its queries.
struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fill the sync report with synthetic entries and time its queries (p50/p95).")
    @Option(help: "Entries to generate (skipped when the store already holds sync entries).") var entries: Int = 1_000_000
    @Option(help: "Entries per insert transaction.") var batch: Int = 100_000
    @Option(help: "Runs of each query.") var iterations: Int = 200
    @Flag(help: "Only generate the entries; do not time queries.") var generateOnly = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        let store = try options.environment().store
        let bench = SyncBenchmark(store: store)
        let existing = try await store.syncEntries(SyncQuery(since: .distantPast, sort: .id, limit: 1)).entries.isEmpty == false
        if !existing {
            try await QueryBenchReport.timedGeneration(count: entries, noun: "entries") {
                try await bench.generate(count: entries, batch: batch) { done in
                    if done % 1_000_000 == 0 || done == entries { printError("generated \(done)") }
                }
            }
        } else {
            printError("the store already holds sync entries; timing them as they are (--entries \(entries) assumed)")
        }
        if generateOnly { return }
        QueryBenchReport.print(try await bench.measure(iterations: iterations, total: entries), json: options.json)
    }
}

/// `skein bench flow`: scenario 1 of docs/benchmarks.md — items/s through receive → split →
/// map → filter → send between two local HTTP servers, against the servers' raw speed and the
/// same flow without a run log, all in one process and one run.
struct FlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Items/s through receive → split → map → filter → send (SQLite run log), with its baselines.")
    @Option(help: "Pages of orders the source serves.") var pages: Int = 20
    @Option(name: .customLong("page-size"), help: "Orders per page.") var pageSize: Int = 1000
    @Option(help: "Repetitions (medians are reported).") var repetitions: Int = 5
    @Option(name: .customLong("send-concurrency"), help: "The send step's concurrency: (requests in flight).") var sendConcurrency: Int = 8
    @Option(name: .customLong("batch-size"), help: "Orders per POST in the batch: configurations.") var batchSize: Int = 100
    @Option(name: .customLong("work-dir"), help: "Where the runs' data directories go (emptied first).") var workDirectory: String = "/tmp/skein-bench-flow"
    @Flag(help: "Print the figures as JSON.") var json = false

    func run() async throws {
        let bench = FlowBenchmark(
            pages: pages, pageSize: pageSize, directory: URL(fileURLWithPath: workDirectory), sendConcurrency: sendConcurrency,
            batchSize: batchSize)
        let timings = try await bench.run(repetitions: repetitions) { printError($0) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(timings.map(FlowFigure.init)), as: UTF8.self))
            return
        }
        for timing in timings {
            print(String(format: "%@: %.3f s median, %.0f items/s", timing.label, timing.median, timing.itemsPerSecond))
        }
    }

    struct FlowFigure: Encodable {
        var key: String
        var label: String
        var items: Int
        var seconds: [Double]
        var median: Double
        var items_per_second: Double
        init(_ timing: FlowBenchmark.Timing) {
            key = timing.key
            label = timing.label
            items = timing.items
            seconds = timing.seconds
            median = timing.median
            items_per_second = timing.itemsPerSecond
        }
    }
}
