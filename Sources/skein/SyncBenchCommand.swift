import ArgumentParser
import Foundation
import SkeinApp
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
            let clock = ContinuousClock()
            let started = clock.now
            try await bench.generate(count: entries, batch: batch) { done in
                if done % 1_000_000 == 0 || done == entries { printError("generated \(done)") }
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "generated %d entries in %.1f s (%.0f entries/s)", entries, seconds, Double(entries) / seconds))
        } else {
            print("the store already holds sync entries; timing them as they are (--entries \(entries) assumed)")
        }
        if generateOnly { return }
        let results = try await bench.measure(iterations: iterations, total: entries)
        let baseline = results.first?.percentile(0.5) ?? 1
        print("| query | p50 ms | p95 ms | × baseline p50 | rows |")
        print("|---|---|---|---|---|")
        for result in results {
            print("| \(result.label) | " + String(format: "%.3f | %.3f | %.1f", result.percentile(0.5), result.percentile(0.95),
                                                     result.percentile(0.5) / baseline) + " | \(result.rows) |")
        }
    }
}
