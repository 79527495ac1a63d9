import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite
import Synchronization
import Testing

/// The SQLite store, counting the transactions `commitRunLog` opens.
final class CountingRunLog: RunLogWriter {
    let store: SQLiteStore
    let commits = Mutex(0)

    init(_ store: SQLiteStore) { self.store = store }

    func commitRunLog(_ writes: [RunLogWrite]) async throws {
        commits.withLock { $0 += 1 }
        try await store.commitRunLog(writes)
    }
    func beginStep(_ step: StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws {
        try await commitRunLog([.beginStep(step, shapeID: shapeID, shapeType: shapeType, inputCount: inputCount, inputBytes: inputBytes, now: now)])
    }
    func finishStep(_ step: StepID, outcome: StepOutcome, now: Date) async throws { try await commitRunLog([.finishStep(step, outcome: outcome, now: now)]) }
    func finishRun(runID: RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws {
        try await commitRunLog([.finishRun(runID, status: status, error: error, failedShapeID: failedShapeID, now: now)])
    }
    func recordTraceParent(runID: RunID, traceParent: String) async throws { try await commitRunLog([.traceParent(runID, traceParent)]) }
}

@Suite struct RunLogBatcherTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func started(_ store: SQLiteStore, _ count: Int) async throws -> [RunRecord] {
        var runs: [RunRecord] = []
        for n in 0..<count {
            runs.append(
                try await store.startClaimed(
                    NewRun(flowID: "hook", flowVersion: 1, trigger: .webhook, input: [Payload(json: ["n": .number(Double(n))])]),
                    owner: "w", leaseUntil: now + 60, now: now))
        }
        return runs
    }

    /// A one-step run as a worker writes it: the step begun, then its end with the run's end.
    func execute(_ run: RunRecord, on batcher: RunLogBatcher) async throws {
        let step = StepID(run: run.id, sequence: 1)
        try await batcher.commit([.beginStep(step, shapeID: "map", shapeType: "map", inputCount: 1, inputBytes: 8, now: now)])
        try await batcher.commit([
            .finishStep(
                step, outcome: StepOutcome(status: .success, attempts: 1, outputs: [Payload(json: ["run": .number(Double(run.id.rawValue))])]), now: now),
            .finishRun(run.id, status: .success, error: nil, failedShapeID: nil, now: now),
        ])
    }

    @Test func concurrentRunsShareCommitsAndEachIsDurableWhenItsCallReturns() async throws {
        try await withStore { store, _ in
            let runs = try await started(store, 100)
            let counting = CountingRunLog(store)
            let batcher = RunLogBatcher(store: counting)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for run in runs {
                    group.addTask {
                        try await execute(run, on: batcher)
                        // Committed before `commit` returned: another connection reads it.
                        let stored = try #require(try await store.run(id: run.id))
                        #expect(stored.status == .success)
                        #expect(
                            try await store.payloads(of: StepID(run: run.id, sequence: 1)).map { try $0.json() } == [["run": .number(Double(run.id.rawValue))]])
                    }
                }
                try await group.waitForAll()
            }
            let commits = counting.commits.withLock { $0 }
            #expect(commits < 200, "200 units of writes took \(commits) transactions")
        }
    }

    @Test func aBadWriteFailsOnlyItsOwnCaller() async throws {
        try await withStore { store, _ in
            let runs = try await started(store, 20)
            let batcher = RunLogBatcher(store: store)
            let outcomes = await withTaskGroup(of: (RunID, Bool).self) { group in
                for (index, run) in runs.enumerated() {
                    group.addTask {
                        do {
                            if index == 7 {
                                // Finishing a step that was never begun: refused.
                                try await batcher.commit([
                                    .finishStep(StepID(run: run.id, sequence: 3), outcome: StepOutcome(status: .success, attempts: 1), now: now)
                                ])
                            } else {
                                try await execute(run, on: batcher)
                            }
                            return (run.id, true)
                        } catch {
                            return (run.id, false)
                        }
                    }
                }
                return await group.reduce(into: [RunID: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter { !$0.value }.map(\.key) == [runs[7].id])
            for (index, run) in runs.enumerated() {
                #expect(try await store.run(id: run.id)?.status == (index == 7 ? .started : .success))
            }
        }
    }
}
