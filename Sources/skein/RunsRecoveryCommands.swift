import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

extension RunsCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new run from a stored payload of any step of a run — no flow edit, no skip toggling.",
            discussion: """
                The new run (trigger 'replay', linked to RUN) enters the flow at the step after STEP with
                the payloads STEP produced, or at STEP itself with --at same. It runs the flow version RUN
                ran unless --current asks for the latest (e.g. a corrected version deployed since).
                Pick one payload with --index, or items out of an array payload with --item N or
                --where 'JSONata condition' (e.g. --where 'id = 1003'); arrays stay arrays.
                """)
        @Argument(help: "The run whose payload to replay.") var run: RunID
        @Argument(help: "The step that produced the payload: its shape id, step number, or 'input'.") var step: String
        @Option(help: "Replay only this payload of the step (from 0).") var index: Int?
        @Flag(help: "Replay every payload of the step (the default).") var all = false
        @Option(help: "Replay only this element (from 0) of an array payload.") var item: Int?
        @Option(name: .customLong("where"), help: "Replay only the items this JSONata condition holds for.") var condition: String?
        @Option(help: "Enter at the 'next' step (default) or the 'same' step that produced the payload.") var at: String = "next"
        @Flag(help: "Run the latest deployed version of the flow instead of the one RUN ran.") var current = false
        @Flag(help: "Queue the run for `skein serve` instead of running it here.") var queue = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if index != nil && all { throw ValidationError("give --index N or --all, not both") }
            if item != nil && condition != nil { throw ValidationError("give --item N or --where, not both") }
            if RunRecovery.Entry(rawValue: at) == nil { throw ValidationError("--at must be 'next' or 'same', not '\(at)'") }
        }

        func run() async throws {
            let environment = try options.environment()
            let store = environment.store
            let sequence = try await PayloadCommand.Location.sequence(run: run, step: step, in: store)
            var selection: ItemSelection?
            if let item { selection = .position(item) }
            if let condition { selection = try await recovering { try ItemSelection.condition(condition) } }
            let request = RunRecovery.Replay(runID: run, sequence: sequence, index: index, selection: selection,
                                             entry: RunRecovery.Entry(rawValue: at) ?? .next, useLatestVersion: current)
            let newRun = try await recovering { try await RunRecovery(store: store).replay(request) }
            try await RunLauncher(environment: environment, json: options.json).launch(newRun, queue: queue)
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run a failed run from its failed step with the inputs that step had.",
            discussion: """
                The new run has trigger 'retry' and links back to RUN. With --all-failed, every failed run
                of the last --days days (of --flow) that has not been retried or replayed yet is retried.
                """)
        @Argument(help: "The failed run.") var run: RunID?
        @Flag(name: .customLong("all-failed"), help: "Retry every failed run not yet retried or replayed.") var allFailed = false
        @Option(help: "With --all-failed: only runs of this flow.") var flow: String?
        @Option(help: "With --all-failed: how many days back to look.") var days: Int = 7
        @Flag(help: "Run the latest deployed version of the flow instead of the one the run ran.") var current = false
        @Flag(help: "Queue the runs for `skein serve` instead of running them here.") var queue = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if (run == nil) == !allFailed { throw ValidationError("give a run id or --all-failed") }
            if flow != nil && !allFailed { throw ValidationError("--flow goes with --all-failed") }
        }

        func run() async throws {
            let environment = try options.environment()
            let store = environment.store
            let recovery = RunRecovery(store: store)
            let launcher = RunLauncher(environment: environment, json: options.json)
            if let run {
                let newRun = try await recovering { try await recovery.retry(runID: run, useLatestVersion: current) }
                try await launcher.launch(newRun, queue: queue)
                return
            }
            let failed = try await failedRuns(store)
            if failed.isEmpty { if !options.json { print("no failed runs to retry") }; return }
            var unsuccessful = 0
            for origin in failed {
                let newRun: NewRun
                do { newRun = try await recovery.retry(runID: origin.id, useLatestVersion: current) } catch let error as RecoveryError {
                    printError("run \(origin.id): cannot retry: \(error.message)")
                    unsuccessful += 1
                    continue
                }
                if queue {
                    try await launcher.launch(newRun, queue: true)
                } else if try await launcher.execute(newRun).status != .success {
                    unsuccessful += 1
                }
            }
            if unsuccessful > 0 { throw ExitCode(1) }
        }

        /// Failed runs of the window, oldest first, leaving out those already retried or replayed.
        func failedRuns(_ store: any RunLogReader) async throws -> [RunRecord] {
            var found: [RunRecord] = []
            var before: RunID?
            let since = Date().addingTimeInterval(-Double(days) * 86400)
            while true {
                let page = try await store.runs(RunQuery(flowID: flow, statuses: [.failure], since: since, before: before, limit: 500))
                for run in page where try await store.runs(RunQuery(originRunID: run.id, limit: 1)).isEmpty { found.append(run) }
                guard page.count == 500, let last = page.last else { break }
                before = last.id
            }
            return found.reversed()
        }
    }
}

/// Turns a recovery planning failure into the CLI's one-line error.
func recovering<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as RecoveryError { throw CLIError(error.message) }
}
