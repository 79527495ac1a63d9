import ArgumentParser
import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations

extension FlowCommand {
    /// `skein flow preview orders-to-erp '{"id": "to-erp-format", "map": {"fields": {…}}}'`: a
    /// shape's settings, deployed or not, tried on a payload its step received in a stored run —
    /// what the flow builder's drawer previews, through the same operation (`ShapePreviewOperations`).
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Try a shape's settings on a payload its step received in a stored run (map, filter, assert, split, payload); nothing is sent.",
            discussion: """
                The shape is YAML or JSON with its id and one type, inline or @FILE:
                  skein flow preview orders-to-erp '{"id": "paid-only", "filter": {"where": [{"field": "financial_status", "equals": "paid"}]}}'
                  skein flow preview orders-to-erp @to-erp-format.yaml --run 12 --index 3
                """)

        @Argument(help: "The flow.") var flow: String
        @Argument(help: "The shape, {\"id\": …, \"<type>\": {settings}}, as YAML or JSON, or @FILE.") var shape: String
        @Option(help: "The run whose payload to use (default: the newest of the flow's last 50 runs that reached the step).") var run: RunID?
        @Option(help: "Which of the payloads the step received, from 0.") var index = 0
        @OptionGroup var options: DataOptions

        func run() async throws {
            var text = shape
            if shape.hasPrefix("@") {
                let path = String(shape.dropFirst())
                guard let contents = String(validating: try InputBytes.read(path), as: UTF8.self) else { throw CLIError("\(path): not UTF-8 text") }
                text = contents
            }
            let document: JSON
            do { document = try FlowFile.document(from: text, source: "the shape") } catch { throw CLIError("\(error)") }
            let (_, operations) = try options.operations()
            let preview = try await operations.preview.preview(options.caller, flowID: flow, shape: document, run: run, index: index)
            if options.json {
                print(preview.json.serialized(.pretty))
                return
            }
            let shapeID = document.objectValue?["id"]?.stringValue ?? "the step"
            print("payload \(preview.index) (of \(preview.inputCount)) that '\(shapeID)' received in run \(preview.run):")
            print(preview.input.serialized(.pretty))
            if let failure = preview.failure {
                print("the shape fails: \(failure)")
            } else if preview.outputCount == 0 {
                print("nothing passed on (dropped)")
            } else {
                let shown = preview.outputCount > preview.outputs.count ? ", the first \(preview.outputs.count) shown" : ""
                print("passed on \(preview.outputCount) payload\(preview.outputCount == 1 ? "" : "s")\(shown):")
                for output in preview.outputs { print(output.serialized(.pretty)) }
            }
        }
    }
}
