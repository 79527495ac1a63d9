import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations

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
        @Option(help: "Replay only this payload of the step (from 0).") var index: String?
        @Flag(help: "Replay every payload of the step (the default).") var all = false
        @Option(help: "Replay only this element (from 0) of an array payload.") var item: String?
        @Option(name: .customLong("where"), help: "Replay only the items this JSONata condition holds for.") var condition: String?
        @Option(help: "Enter at the 'next' step (default) or the 'same' step that produced the payload.") var at: String = "next"
        @Flag(help: "Run the latest deployed version of the flow instead of the one RUN ran.") var current = false
        @Flag(help: "Queue the run for `skein serve` instead of running it here.") var queue = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if index != nil && all { throw ValidationError("give --index N or --all, not both") }
        }

        func run() async throws {
            let (environment, operations) = try options.operations()
            var inputs = Inputs()
            for (name, value) in [("step", step), ("index", index), ("item", item), ("where", condition), ("at", at)] { inputs.set(name, value) }
            inputs.set("version", current ? "latest" : nil)
            let launcher = CLILauncher(environment: environment, json: options.json, queue: queue)
            let record = try await operations.recovery.replay(options.caller, try RecoveryOperations.Replay.parse(run: run, inputs), launcher: launcher)
            try launcher.check(record)
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
        @Option(help: "With --all-failed: how many days back to look.") var days: String = "7"
        @Flag(name: .customLong("from-start"), help: "Start again from the flow's first step with the run's input, not from the failed step.")
        var fromStart = false
        @Flag(help: "Run the latest deployed version of the flow instead of the one the run ran.") var current = false
        @Flag(help: "Queue the runs for `skein serve` instead of running them here.") var queue = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if (run == nil) == !allFailed { throw ValidationError("give a run id or --all-failed") }
            if flow != nil && !allFailed { throw ValidationError("--flow goes with --all-failed") }
        }

        func run() async throws {
            let (environment, operations) = try options.operations()
            let launcher = CLILauncher(environment: environment, json: options.json, queue: queue)
            let version: RecoveryOperations.Version = current ? .latest : .ran
            if let run {
                let start = fromStart ? RecoveryOperations.RetryStart.start : .failedStep
                try launcher.check(try await operations.recovery.retry(options.caller, run: run, from: start, version: version, launcher: launcher))
                return
            }
            var inputs = Inputs()
            inputs.set("flow", flow)
            inputs.set("days", days)
            var unsuccessful = 0
            let items = try await operations.recovery.bulkRetry(
                options.caller, inputs, from: fromStart ? .start : .failedStep, version: version,
                launcher: launcher
            ) { item in
                switch item.result {
                case .success(let record): if !queue && record.status != .success { unsuccessful += 1 }
                case .failure(let error):
                    printError("run \(item.origin.id): cannot retry: \(error.message)")
                    unsuccessful += 1
                }
            }
            if items.isEmpty && !options.json { print("no failed runs to retry") }
            if unsuccessful > 0 { throw ExitCode(1) }
        }
    }
}
