import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinStorage

struct PayloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payload", abstract: "View or download stored payloads.", subcommands: [Show.self, Download.self])

    /// Which step's payloads: a shape id, a step number, or `input` (0) for what the run started with.
    struct Location: ParsableArguments {
        @Argument(help: "The run id.") var run: RunID
        @Argument(help: "The step: its shape id, its step number, or 'input' for the run's input.") var step: String
        @Option(help: "Which payload of the step (from 0).") var index: Int = 0

        func sequence(in store: any RunLogReader) async throws -> Int {
            try await Location.sequence(run: run, step: step, in: store)
        }

        /// The step number of `step` (a shape id, a step number or `input`) in run `run`.
        static func sequence(run: RunID, step: String, in store: any RunLogReader) async throws -> Int {
            if step == "input" || step == "0" { return 0 }
            let steps = try await store.steps(runID: run)
            if steps.isEmpty, try await store.run(id: run) == nil { throw CLIError("no run \(run)") }
            if let number = Int(step), steps.contains(where: { $0.sequence == number }) { return number }
            guard let match = steps.last(where: { $0.shapeID == step }) else {
                throw CLIError("run \(run) has no step '\(step)'; its steps are \(steps.map(\.shapeID).joined(separator: ", "))")
            }
            return match.sequence
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
            let store = try options.environment().store
            let sequence = try await location.sequence(in: store)
            let infos = try await store.payloadInfos(of: StepID(run: location.run, sequence: sequence))
            if infos.isEmpty, try await store.run(id: location.run)?.payloadsExpired == true {
                throw CLIError("the payloads of run \(location.run) have expired (retention); its log remains: skein runs show \(location.run)")
            }
            guard location.index >= 0, location.index < infos.count,
                  let payload = try await store.payload(of: StepID(run: location.run, sequence: sequence), index: location.index) else {
                throw CLIError("step '\(location.step)' of run \(location.run) has \(infos.count) payload\(infos.count == 1 ? "" : "s"); there is no index \(location.index)")
            }
            let info = infos[location.index]
            var bytes = payload.bytes()
            if !full, payload.isJSON, bytes.count <= limit, let json = try? payload.json() {
                bytes = Array(json.serialized(.pretty).utf8)
            }
            if !options.json {
                printError("payload \(location.index + 1) of \(infos.count) from step '\(location.step)' of run \(location.run): \(info.contentType), \(info.size) bytes")
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
            let store = try options.environment().store
            let sequence = try await location.sequence(in: store)
            guard let payload = try await store.payload(of: StepID(run: location.run, sequence: sequence), index: location.index) else {
                if try await store.run(id: location.run)?.payloadsExpired == true {
                    throw CLIError("the payloads of run \(location.run) have expired (retention); its log remains: skein runs show \(location.run)")
                }
                throw CLIError("run \(location.run) step '\(location.step)' has no payload \(location.index)")
            }
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

