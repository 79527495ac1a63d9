import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

struct PayloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payload", abstract: "View or download stored payloads.", subcommands: [Show.self, Download.self, Find.self])

    /// Which step's payloads: a shape id, a step number, or `input` (0) for what the run started with.
    struct Location: ParsableArguments {
        @Argument(help: "The run id.") var run: RunID
        @Argument(help: "The step: its shape id, its step number, or 'input' for the run's input.") var step: String
        @Option(help: "Which payload of the step (from 0).") var index: Int = 0

        /// The payload, found by the operations (the same lookups and messages as the API's).
        func payload(_ options: DataOptions) async throws -> RunOperations.StoredPayload {
            try await options.operations().1.runs.payload(options.caller, run: run, step: step, index: index)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one payload a step produced; long payloads end with [trimmed] unless --full.")
        @OptionGroup var location: Location
        @Flag(help: "Print the whole payload, however long.") var full = false
        @Option(help: "Cut the view after this many bytes.") var limit: Int = 65_536
        @OptionGroup var options: DataOptions

        func run() async throws {
            let stored = try await location.payload(options)
            let (payload, info, count) = (stored.payload, stored.info, stored.count)
            var bytes = payload.bytes()
            if !full, payload.isJSON, bytes.count <= limit, let json = try? payload.json() {
                bytes = Array(json.serialized(.pretty).utf8)
            }
            if !options.json {
                printError(
                    "payload \(location.index + 1) of \(count) from step '\(location.step)' of run \(location.run): \(info.contentType), \(info.size) bytes")
            }
            if full || bytes.count <= limit {
                FileHandle.standardOutput.write(Data(bytes))
                if bytes.last != UInt8(ascii: "\n") { print("") }
            } else {
                FileHandle.standardOutput.write(Data(bytes.prefix(limit)))
                print("\n[trimmed] showing \(limit) of \(info.size) bytes; use --full or `skein payload download` for all of it")
            }
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a stored payload, byte for byte, to a file or standard output.")
        @OptionGroup var location: Location
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            let payload = try await location.payload(options).payload
            // Written straight from the decoded bytes: a 100 MB payload is not copied again on the way out.
            let bytes = payload.bytes()
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw CLIError("cannot write \(output)")
                }
                do {
                    try file.write(contentsOf: bytes)
                    try file.close()
                } catch {
                    throw CLIError("cannot write \(output): \(error.localizedDescription)")
                }
                printError("wrote \(bytes.count) bytes (\(payload.contentType)) to \(output)")
            } else {
                try FileHandle.standardOutput.write(contentsOf: bytes)
            }
        }
    }
}
