import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON
import SkeinStorage

/// `skein bench runs`: fills the run log with synthetic finished runs and times the run list.
struct RunsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Fill the run log with synthetic finished runs (3 steps each) and time the run list's queries (p50/p95).")
    @Option(help: "Runs to generate (skipped when the store already holds runs).") var runs: Int = 1_000_000
    @Option(help: "Runs per insert transaction.") var batch: Int = 50_000
    @Option(help: "Runs of each query.") var iterations: Int = 200
    @Flag(help: "Only generate the runs; do not time queries.") var generateOnly = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        let store = try options.environment().store
        let bench = RunLogBenchmark(store: store)
        if try await store.runs(RunQuery(limit: 1)).isEmpty {
            let clock = ContinuousClock()
            let started = clock.now
            let total = runs
            try await bench.generate(count: total, batch: batch) { done in
                if done % 200_000 == 0 || done == total { printError("generated \(done) runs") }
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            printError(String(format: "generated %d runs in %.1f s (%.0f runs/s)", runs, seconds, Double(runs) / seconds))
        } else {
            printError("the store already holds runs; timing them as they are")
        }
        if generateOnly { return }
        let results = try await bench.measure(iterations: iterations)
        let baseline = results.first?.percentile(0.5) ?? 1
        if options.json {
            print(JSON.array(results.map { result in
                ["label": .string(result.label), "p50_ms": .number(result.percentile(0.5)), "p95_ms": .number(result.percentile(0.95)),
                 "rows": .number(Double(result.rows)), "runs": .number(Double(result.samples.count))]
            }).serialized())
            return
        }
        print("| query | p50 ms | p95 ms | × baseline p50 | rows |")
        print("|---|---|---|---|---|")
        for result in results {
            print("| \(result.label) | " + String(format: "%.3f | %.3f | %.1f", result.percentile(0.5), result.percentile(0.95),
                                                     result.percentile(0.5) / baseline) + " | \(result.rows) |")
        }
    }
}
