import Foundation
import SkeinBenchmarks
import SkeinJSON

/// What `skein bench sync` and `skein bench runs` share: timing the generation of synthetic
/// rows, and printing each query's p50/p95 as JSON (for scripts/bench.sh) or a table.
enum QueryBenchReport {
    /// Runs `generate`, then reports on stderr how many `noun` it made and how fast.
    static func timedGeneration(count: Int, noun: String, _ generate: () async throws -> Void) async rethrows {
        let clock = ContinuousClock()
        let started = clock.now
        try await generate()
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        printError(String(format: "generated %d %@ in %.1f s (%.0f %@/s)", count, noun, seconds, Double(count) / seconds, noun))
    }

    static func print(_ results: [SyncBenchmark.Measurement], json: Bool) {
        let baseline = results.first?.percentile(0.5) ?? 1
        if json {
            Swift.print(
                JSON.array(
                    results.map { result in
                        [
                            "label": .string(result.label), "p50_ms": .number(result.percentile(0.5)), "p95_ms": .number(result.percentile(0.95)),
                            "rows": .number(Double(result.rows)), "runs": .number(Double(result.samples.count)),
                        ]
                    }
                ).serialized())
            return
        }
        Swift.print("| query | p50 ms | p95 ms | × baseline p50 | rows |")
        Swift.print("|---|---|---|---|---|")
        for result in results {
            Swift.print(
                "| \(result.label) | "
                    + String(
                        format: "%.3f | %.3f | %.1f", result.percentile(0.5), result.percentile(0.95),
                        result.percentile(0.5) / baseline) + " | \(result.rows) |")
        }
    }
}
