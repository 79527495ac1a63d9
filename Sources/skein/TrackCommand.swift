import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON
import SkeinStorage

/// `skein track search`: where a tracked value (an order number, a SKU) went, across runs.
struct TrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track", abstract: "Search the values track_data shapes indexed: where did order 1042 go?",
        subcommands: [Search.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every run and step that saw a value (exact match), newest first.",
            discussion: "Example: skein track search 1042 --field order")
        @Argument(help: "The value, e.g. an order number.") var value: String
        @Option(help: "Only this tracked field (as named in the shape's fields:).") var field: String?
        @Option(help: "At most this many results.") var limit = 100
        @OptionGroup var options: DataOptions

        func run() async throws {
            guard (1...10_000).contains(limit) else { throw CLIError("--limit must be between 1 and 10000") }
            let hits = try await options.environment().store.searchTrackedValues(value, field: field, limit: limit)
            if options.json {
                print(
                    JSON.array(
                        hits.map { hit in
                            [
                                "run": .number(Double(hit.value.runID.rawValue)), "flow": .string(hit.value.flowID), "step": .string(hit.value.shapeID),
                                "payload_index": .number(Double(hit.value.payloadIndex)), "field": .string(hit.value.field),
                                "value": .string(hit.value.value), "tracked_at": .string(RunsCommand.iso(hit.trackedAt)),
                                "run_status": hit.runStatus.map(JSON.string) ?? .null,
                            ]
                        }
                    ).serialized())
                return
            }
            if hits.isEmpty { print("'\(value)' was not tracked\(field.map { " in field '\($0)'" } ?? "")"); return }
            print(
                Table(
                    ["RUN", "FLOW", "STEP", "PAYLOAD", "FIELD", "TRACKED AT", "RUN STATUS"],
                    hits.map {
                        [
                            String($0.value.runID), $0.value.flowID, $0.value.shapeID, String($0.value.payloadIndex), $0.value.field,
                            RunsCommand.iso($0.trackedAt), $0.runStatus ?? "-",
                        ]
                    }
                ).render())
            print("see a payload with: skein payload show RUN STEP --index PAYLOAD")
        }
    }
}
