import ArgumentParser
import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations

extension PayloadCommand {
    /// `skein payload find`: the payloads of a step that hold a reference, contain a text or
    /// match a JSONata condition, a page at a time (`PayloadSearch`, as on the run page and in the API).
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a step's payloads by reference, text or JSONata condition, a page at a time.",
            discussion: """
                Filters combine. --reference matches a payload holding that value anywhere in its JSON (a string \
                equal to it in any case, or a number: '#1017', '1017'); --text matches the stored text, any case; \
                --where is a JSONata condition on the payload's JSON (`total_price > 100`). Without a filter every \
                payload is listed. Prints each match's index, content type and size; see one with \
                `skein payload show RUN STEP --index N`.
                """)
        @Argument(help: "The run id.") var run: RunID
        @Argument(help: "The step: its shape id, its step number, or 'input' for the run's input.") var step: String
        @Option(help: "A value the payload holds (an order number or name).") var reference: String?
        @Option(help: "Text the payload contains (any case).") var text: String?
        @Option(name: .customLong("where"), help: "A JSONata condition on the payload.") var condition: String?
        @Option(help: "Skip this many matches (the next page: the 'more:' line's offset).") var offset: String?
        @Option(help: "At most this many matches (1 to \(PayloadSearch.maximumLimit), default \(PayloadSearch.defaultLimit)).") var limit: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            var inputs = Inputs()
            for (name, value) in [("reference", reference), ("text", text), ("where", condition), ("offset", offset), ("limit", limit)] {
                inputs.set(name, value)
            }
            let search = try PayloadSearch(inputs)
            let page = try await options.operations().1.runs.findPayloads(options.caller, run: run, step: step, search)
            if options.json {
                print(
                    JSON.object([
                        "run": .number(Double(page.run.id.rawValue)), "sequence": .number(Double(page.sequence)),
                        "payloads": .number(Double(page.payloads)), "matched": .number(Double(page.matched)),
                        "matches": .array(
                            page.infos.map {
                                [
                                    "index": .number(Double($0.index)), "content_type": .string($0.contentType),
                                    "size": .number(Double($0.size)),
                                ]
                            }),
                        "next_offset": page.nextOffset.map { .number(Double($0)) } ?? .null,
                    ]).serialized())
                return
            }
            print("\(page.matched) of \(page.payloads) payload\(page.payloads == 1 ? "" : "s") of step \(page.sequence) match")
            if !page.infos.isEmpty {
                print(Table(["INDEX", "CONTENT TYPE", "SIZE"], page.infos.map { [String($0.index), $0.contentType, ByteCount.text($0.size)] }).render())
            }
            if let next = page.nextOffset { print("more: --offset \(next)") }
        }
    }
}
