import Foundation
import SkeinCore
import SkeinStorage

/// Recovered failures: a failed run is recovered once a run replayed or retried from it
/// (`originRunID`) succeeds. `recoveries(of:)` names that run for the marks in run lists, and
/// `RunQuery.unrecovered` lists the failures nothing recovered yet (the UI's failure view).
enum RecoveryChecks {
    /// Starts and ends a run of flow `f`, replayed or retried from `origin` when given.
    static func ended(_ store: any SkeinStore, _ status: RunStatus, origin: RunID? = nil, at time: Date) async throws -> RunID {
        let run = try await store.startClaimed(
            NewRun(flowID: "f", flowVersion: 1, trigger: origin == nil ? .manual : .retry, originRunID: origin),
            owner: "cli", leaseUntil: time + 30, now: time)
        try await store.finishRun(
            runID: run.id, status: status, error: status == .failure ? "step 'send' failed" : nil,
            failedShapeID: status == .failure ? "send" : nil, now: time + 1)
        return run.id
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("recoveries: a failure a later replay or retry succeeded for is marked and left out of unrecovered") { open in
            let store = try await open()
            let recovered = try await ended(store, .failure, at: t0)
            let stillFailing = try await ended(store, .failure, at: t0 + 10)
            let fine = try await ended(store, .success, at: t0 + 20)
            let failedRetry = try await ended(store, .failure, origin: stillFailing, at: t0 + 30)
            let firstFix = try await ended(store, .success, origin: recovered, at: t0 + 40)
            _ = try await ended(store, .success, origin: recovered, at: t0 + 50)

            let marks = try await open().recoveries(of: [recovered, stillFailing, fine, failedRetry])
            try expectEqual(marks, [recovered: firstFix], "the first successful follow-up recovers; a failed retry does not")
            try expectEqual(try await store.recoveries(of: []), [:])

            let unrecovered = try await store.runs(RunQuery(statuses: [.failure], unrecovered: true))
            try expectEqual(unrecovered.map(\.id), [failedRetry, stillFailing], "newest first, the recovered failure left out")
            let paged = try await store.runs(RunQuery(statuses: [.failure], unrecovered: true, before: failedRetry, limit: 1))
            try expectEqual(paged.map(\.id), [stillFailing], "pages with before")
            try expectEqual(try await store.runs(RunQuery(statuses: [.failure])).count, 3, "without the filter every failure is listed")
        },
        ConformanceCheck("run counts: successes with a warning are counted apart from clean ones, in the window") { open in
            let store = try await open()
            _ = try await ended(store, .success, at: t0)
            _ = try await ended(store, .failure, at: t0)
            let warned = try await store.startClaimed(NewRun(flowID: "f", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            try await store.beginStep(StepID(run: warned.id, sequence: 1), shapeID: "send", shapeType: "http", inputCount: 1, inputBytes: 2, now: t0)
            try await store.finishStep(
                StepID(run: warned.id, sequence: 1),
                outcome: StepOutcome(
                    status: .success, attempts: 1, warnings: ["5 of 90 items were not accepted: 5 Pending"]), now: t0 + 1)
            try await store.finishRun(runID: warned.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 1)
            try expectEqual(try await store.runCounts(since: t0 - 60)[.success], 2)
            try expectEqual(try await open().warnedSuccesses(since: t0 - 60), 1)
            try expectEqual(try await store.warnedSuccesses(since: t0 + 60), 0, "outside the window")
        },
    ]
}
