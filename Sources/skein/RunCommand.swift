import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

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
        let environment = try options.environment()
        guard let deployed = try await environment.store.flow(id: flow, version: version) else {
            throw CLIError("no deployed flow '\(flow)'\(version.map { " version \($0)" } ?? ""); deploy it with `skein flow deploy FILE`")
        }
        if let fromStep, deployed.definition.shapeIndex(of: fromStep) == nil {
            throw CLIError("flow '\(flow)' has no shape '\(fromStep)'; its shapes are \(deployed.definition.shapes.map(\.id).joined(separator: ", "))")
        }
        let input = try readPayload()
        let newRun = NewRun(flowID: deployed.flowID, flowVersion: deployed.version, trigger: .manual, priority: deployed.definition.priority,
                            entryShapeID: fromStep, input: input)
        if queue {
            let record = try await environment.store.enqueue(newRun, now: Date())
            print(options.json ? JSON.object(["run": .number(Double(record.id)), "status": "queued"]).serialized() : "queued run \(record.id)")
            return
        }
        let owner = "cli-\(ProcessInfo.processInfo.processIdentifier)"
        let lease = Duration.seconds(30)
        let record = try await environment.store.startClaimed(newRun, owner: owner, leaseUntil: Date().addingTimeInterval(lease.seconds), now: Date())
        let json = options.json
        if !json { print("run \(record.id) of flow '\(flow)' v\(deployed.version) started") }
        let executor = environment.executor(onEvent: { event in
            guard !json else { return }
            switch event {
            case .stepStarted: break
            case .stepRetrying(_, let shape, let attempt, let after, let reason):
                print("  \(shape): retrying (attempt \(attempt)) in \(DurationText.format(after)) after: \(reason)")
            case .stepFinished(_, let sequence, let shape, let status, let outputs):
                print("  step \(sequence) \(shape): \(status.rawValue), \(outputs) payload\(outputs == 1 ? "" : "s") out")
            case .runFinished: break
            }
        })
        // Keep the lease alive while the run executes in this process.
        let store = environment.store
        let keeper = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: lease / 3)
                _ = try await store.renewLeases(runIDs: [record.id], owner: owner, until: Date().addingTimeInterval(lease.seconds))
            }
        }
        defer { keeper.cancel() }
        let status = try await executor.execute(record)
        let finished = try await store.run(id: record.id)
        if json {
            print(JSON.object(["run": .number(Double(record.id)), "status": .string(status.rawValue),
                               "error": finished?.error.map(JSON.string) ?? .null]).serialized())
        } else {
            print("run \(record.id): \(status.rawValue)\(finished?.error.map { " — \($0)" } ?? "")")
            print("see it with: skein runs show \(record.id)")
        }
        if status != .success { throw ExitCode(1) }
    }

    func readPayload() throws -> [Payload] {
        guard let payload else { return [] }
        let data: Data?
        if payload == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: payload)
        }
        guard let data else { throw CLIError("\(payload): cannot read the payload file") }
        do {
            return [try Payload.received([UInt8](data), contentType: contentType)]
        } catch {
            throw CLIError("\(payload == "-" ? "standard input" : payload): \(error)")
        }
    }
}
