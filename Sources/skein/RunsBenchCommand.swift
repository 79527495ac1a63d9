import ArgumentParser
import Foundation
import SkeinApp
import SkeinBenchmarks
import SkeinCore
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
            let total = runs
            try await QueryBenchReport.timedGeneration(count: total, noun: "runs") {
                try await bench.generate(count: total, batch: batch) { done in
                    if done % 200_000 == 0 || done == total { printError("generated \(done) runs") }
                }
            }
        } else {
            printError("the store already holds runs; timing them as they are")
        }
        if generateOnly { return }
        QueryBenchReport.print(try await bench.measure(iterations: iterations), json: options.json)
    }
}
