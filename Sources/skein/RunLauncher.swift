import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations

/// How the CLI starts the runs its operations plan — `skein run`, `skein runs replay`,
/// `skein runs retry`: executed here, printing each step as it finishes, or queued for
/// `skein serve` (`--queue`).
struct CLILauncher: RunLauncher {
    let environment: SkeinEnvironment
    let json: Bool
    let queue: Bool

    func launch(_ newRun: NewRun) async throws -> RunRecord {
        if queue {
            let record = try await environment.store.enqueue(newRun, now: Date())
            print(json ? JSON.object(["run": .number(Double(record.id.rawValue)), "status": "queued"]).serialized() : "queued run \(record.id)")
            return record
        }
        return try await execute(newRun)
    }

    /// Executes `newRun` in this process and prints its outcome.
    func execute(_ newRun: NewRun) async throws -> RunRecord {
        let json = self.json
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
        let finished = try await InProcessRun(executor: executor).start(newRun) { record in
            guard !json else { return }
            let how = record.originRunID.map { " (\(record.trigger.rawValue) of run \($0))" } ?? ""
            let entry = record.entryShapeID.map { ", entering at '\($0)'" } ?? ""
            print("run \(record.id) of flow '\(record.flowID)' v\(record.flowVersion) started\(how)\(entry)")
        }
        let outcome = try await environment.operations.runs.outcome(.localOperator, finished.id)
        if json {
            print(
                JSON.object([
                    "run": .number(Double(finished.id.rawValue)), "status": .string(finished.status.rawValue),
                    "origin_run": finished.originRunID.map { .number(Double($0.rawValue)) } ?? .null,
                    "error": finished.error.map(JSON.string) ?? .null,
                    "sync": .object(
                        JSON.Object(
                            uniqueKeysWithValues: SyncStatus.allCases.map {
                                ($0.rawValue, JSON.number(Double(outcome.syncCounts[$0] ?? 0)))
                            })),
                    "warnings": .array(outcome.warnings.map { ["step": .string($0.shapeID), "warning": .string($0.warning)] }),
                ]).serialized())
        } else {
            print("run \(finished.id): \(finished.status.rawValue)\(finished.error.map { " — \($0)" } ?? "")")
            Self.printOutcome(outcome)
            print("see it with: skein runs show \(finished.id)")
        }
        return finished
    }

    /// The sync line and the warnings under the run's status: a success that left items
    /// Pending, or warned, says so here rather than only in `skein runs show`.
    static func printOutcome(_ outcome: RunOutcome) {
        if outcome.syncTotal > 0 {
            print("sync: \(outcome.syncLine)")
            let open = (outcome.syncCounts[.pending] ?? 0) + (outcome.syncCounts[.failed] ?? 0)
            if open > 0 { print("  not delivered yet: skein sync list --status pending,failed --flow \(outcome.run.flowID)") }
        }
        guard !outcome.warnings.isEmpty else { return }
        print("warnings (\(outcome.warnings.count)):")
        for (shape, warning) in outcome.warnings { print("  \(shape): \(warning)") }
    }

    /// Exits with status 1 when a run executed here did not succeed.
    func check(_ record: RunRecord) throws {
        if !queue && record.status != .success { throw ExitCode(1) }
    }
}
