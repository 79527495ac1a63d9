import ArgumentParser
import Foundation
import SkeinBenchmarks
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
        discussion: "Benchmarks/jsonata_peer.py runs the same expression over the same orders with jsonata-python (JSONataBenchmark).")

    @Option(help: "How many orders to map per repetition.") var orders: Int = 100_000
    @Option(help: "How many timed repetitions (the median is reported).") var repetitions: Int = 5
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        if orders < 1 { throw ValidationError("--orders must be positive") }
        if repetitions < 1 { throw ValidationError("--repetitions must be positive") }
    }

    func run() async throws {
        let figures = try JSONataBenchmark.measure(orders: orders, repetitions: repetitions)
        let (seconds, median, checksum) = (figures.seconds, figures.median, figures.checksum)
        if json {
            let figures: JSON = [
                "scenario": "jsonata", "implementation": "skein (Swift)", "orders": .number(Double(orders)),
                "seconds": .array(seconds.map { .number($0) }), "median_seconds": .number(median),
                "checksum": checksum,
            ]
            print(figures.serialized())
        } else {
            print(
                "jsonata: \(orders) orders × \(repetitions): median \(String(format: "%.3f", median))s "
                    + "(\(String(format: "%.2f", median / Double(orders) * 1e6)) µs/order); runs "
                    + seconds.map { String(format: "%.3f", $0) }.joined(separator: ", "))
            print("checksum \(checksum.serialized())")
        }
    }
}
