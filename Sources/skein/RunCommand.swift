import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a deployed flow now, optionally with a payload and from a chosen step.",
        discussion: """
            The run executes in this process and prints each step as it finishes. With --queue it is
            stored for a `skein serve` worker instead. The payload is stored before the run starts.
            """)

    @Argument(help: "The flow id.") var flow: String
    @Option(help: "A payload file to start with, or - for standard input.") var payload: String?
    @Option(name: .customLong("content-type"), help: "The payload's content type (default application/json).") var contentType: String?
    @Option(name: [.customLong("from-step"), .customLong("at")], help: "Start at this shape id instead of the first shape.") var fromStep: String?
    @Option(help: "Run this version instead of the latest.") var version: Int?
    @Flag(help: "Queue the run for `skein serve` instead of running it here.") var queue = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        let (environment, operations) = try options.operations()
        let input = try readPayload()
        let launcher = CLILauncher(environment: environment, json: options.json, queue: queue)
        try launcher.check(
            try await operations.flows.run(
                options.caller, flow, version: version, fromStep: fromStep, input: input,
                trigger: .manual, launcher: launcher))
    }

    func readPayload() throws -> [Payload] {
        guard let payload else { return [] }
        let bytes = try InputBytes.read(payload)
        do {
            return [try Payload.received(bytes, contentType: contentType)]
        } catch {
            throw CLIError("\(payload == "-" ? "standard input" : payload): \(error)")
        }
    }
}
