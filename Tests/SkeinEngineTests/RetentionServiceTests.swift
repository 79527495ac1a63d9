import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

/// A fresh store: in memory, as these tests are about the engine, not the database (the
/// backends' own behaviour is the conformance suite's).
func withStore(_ body: (MemoryStore) async throws -> Void) async throws {
    try await body(MemoryStore())
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: LockedValue<Date>
    init(_ start: Date) { current = LockedValue(start) }
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86400) } }
}

@Suite struct RetentionServiceTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let day: TimeInterval = 86400

    /// A finished run queued at `time` with an input payload and one step with two output payloads.
    func finishedRun(_ store: MemoryStore, at time: Date, status: RunStatus = .success) async throws -> RunID {
        let run = try await store.startClaimed(
            NewRun(
                flowID: "orders", flowVersion: 1, trigger: .manual,
                input: [Payload(json: ["orders": [1, 2, 3]])]),
            owner: "test", leaseUntil: time + 30, now: time)
        try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 20, now: time)
        try await store.finishStep(
            StepID(run: run.id, sequence: 1),
            outcome: StepOutcome(
                status: .success, attempts: 1, outputs: [Payload(json: 1), Payload(json: 2)]), now: time + 1)
        try await store.finishRun(runID: run.id, status: status, error: nil, failedShapeID: nil, now: time + 2)
        return run.id
    }

    @Test func expiredRunsAndPayloadsGoNewerOnesStayIntact() async throws {
        try await withStore { store in
            let clock = TestClock(start)
            // Ten days old, five days old (past the payload age, within the run age), one day old.
            let ancient = try await finishedRun(store, at: start)
            let middle = try await finishedRun(store, at: start + 5 * day)
            let recent = try await finishedRun(store, at: start + 9 * day)
            // A run queued long ago and never picked up, and one still executing: never pruned.
            let waiting = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .api, input: [Payload(json: 7)]), now: start)
            let executing = try await store.startClaimed(
                NewRun(flowID: "orders", flowVersion: 1, trigger: .manual, input: [Payload(json: 8)]),
                owner: "w", leaseUntil: start + 30, now: start)
            clock.advance(days: 10)

            let service = RetentionService(
                store: store, policy: .init(keepRuns: .seconds(7 * 86400), keepPayloads: .seconds(3 * 86400), batchSize: 2, pause: .zero),
                logger: Logger(label: "test"), now: { clock.now })
            let pruned = try await service.pruneOnce()

            // The ten-day-old run is gone with its steps and payloads.
            #expect(try await store.run(id: ancient) == nil)
            #expect(try await store.steps(runID: ancient).isEmpty)
            #expect(try await store.payloadInfos(of: StepID(run: ancient, sequence: 1)).isEmpty)
            // The five-day-old run keeps its log but its payloads expired.
            let kept = try #require(try await store.run(id: middle))
            #expect(kept.payloadsExpired)
            let steps = try await store.steps(runID: middle)
            #expect(steps.map(\.shapeID) == ["each"])
            #expect(steps[0].outputCount == 2)
            #expect(try await store.payloads(of: .input(of: middle)).isEmpty)
            #expect(try await store.payloads(of: StepID(run: middle, sequence: 1)).isEmpty)
            // The recent run is untouched.
            #expect(try await store.run(id: recent)?.payloadsExpired == false)
            #expect(try await store.payloads(of: StepID(run: recent, sequence: 1)).map { try $0.json() } == [1, 2])
            #expect(try await store.payload(of: .input(of: recent), index: 0)?.json() == ["orders": [1, 2, 3]])
            // Queued and started runs survive with their inputs, however old.
            #expect(try await store.run(id: waiting.id)?.status == .queued)
            #expect(try await store.payloads(of: .input(of: waiting.id)).map { try $0.json() } == [7])
            #expect(try await store.run(id: executing.id)?.status == .started)
            #expect(try await store.payloads(of: .input(of: executing.id)).map { try $0.json() } == [8])
            // Counts: 3 payloads each of the two old runs (batches of 2), then one run.
            #expect(pruned == .init(runs: 1, payloads: 6))

            // Nothing more to do on a second pass; the next expiry comes with time.
            #expect(try await service.pruneOnce() == .init(runs: 0, payloads: 0))
            clock.advance(days: 3)
            #expect(try await service.pruneOnce() == .init(runs: 1, payloads: 3))
            #expect(try await store.run(id: middle) == nil)
            #expect(try await store.run(id: recent)?.payloadsExpired == true)
        }
    }

    @Test func storeOperationsDeleteAtMostTheLimit() async throws {
        try await withStore { store in
            for offset in 0..<5 { _ = try await finishedRun(store, at: start + Double(offset)) }
            let cutoff = start + day
            #expect(try await store.prunePayloads(olderThan: cutoff, limit: 4) == 4)
            #expect(try await store.prunePayloads(olderThan: cutoff, limit: 100) == 11)
            #expect(try await store.prunePayloads(olderThan: cutoff, limit: 100) == 0)
            #expect(try await store.pruneRuns(olderThan: cutoff, limit: 2) == 2)
            #expect(try await store.runs(RunQuery()).count == 3)
        }
    }

    @Test func keepingForeverPrunesNothing() async throws {
        try await withStore { store in
            let old = try await finishedRun(store, at: start)
            let service = RetentionService(
                store: store, policy: .init(keepRuns: nil, keepPayloads: nil), logger: Logger(label: "test"),
                now: { Date(timeIntervalSince1970: 1_795_000_000 + 400 * 86400) })
            #expect(try await service.pruneOnce() == .init(runs: 0, payloads: 0))
            #expect(try await store.payloads(of: StepID(run: old, sequence: 1)).count == 2)
        }
    }
}
