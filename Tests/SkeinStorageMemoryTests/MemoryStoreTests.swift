import Foundation
import SkeinCore
import SkeinStorage
import SkeinStorageMemory
import Testing

/// What the in-memory store promises beyond the shared suite: a call that fails changes
/// nothing, and many tasks at once see each call whole.
@Suite struct MemoryStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aFailedCallLeavesTheStoreAsItWas() async throws {
        let store = MemoryStore()
        let run = try await store.startClaimed(NewRun(flowID: "f", flowVersion: 1, trigger: .manual), owner: "w", leaseUntil: t0 + 30, now: t0)
        // Step 2 was never begun: neither its outputs, nor the sync entries, nor the warning flag are kept.
        let outcome = StepOutcome(
            status: .success, attempts: 1, outputs: [Payload(json: ["id": 1])], warnings: ["slow"],
            syncEntries: [
                NewSyncEntry(
                    item: SyncItem(
                        system: "ERP", reference: "#1", sourceID: "1", payload: Payload(json: 1),
                        outcome: .accepted), status: .ok, reason: "sent")
            ])
        await #expect(throws: StorageError.self) { try await store.finishStep(StepID(run: run.id, sequence: 2), outcome: outcome, now: t0) }
        #expect(try await store.payloads(of: StepID(run: run.id, sequence: 2)).isEmpty)
        #expect(try await store.syncEntries(SyncQuery(since: .distantPast)).entries.isEmpty)
        #expect(try await store.run(id: run.id)?.hasWarnings == false)
        // Values tracked for a run that is not stored are refused, with none of the batch kept.
        await #expect(throws: StorageError.self) {
            try await store.recordTrackedValues(
                [
                    TrackedValue(runID: run.id, flowID: "f", shapeID: "t", payloadIndex: 0, field: "order", value: "1"),
                    TrackedValue(runID: 999, flowID: "f", shapeID: "t", payloadIndex: 0, field: "order", value: "1"),
                ],
                now: t0)
        }
        #expect(try await store.searchTrackedValues("1", field: nil, limit: 10).isEmpty)
    }

    @Test func concurrentIntakeAndClaimsNumberAndHandOutEveryRunOnce() async throws {
        let store = MemoryStore()
        let t0 = self.t0
        let ids = try await withThrowingTaskGroup(of: [RunID].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var mine: [RunID] = []
                    for _ in 0..<25 {
                        mine.append(try await store.enqueue(NewRun(flowID: "f\(task)", flowVersion: 1, trigger: .webhook), now: t0).id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [RunID]()) { $0 += $1 }
        }
        #expect(Set(ids) == Set((1...200).map { RunID(Int64($0)) }), "ids are 1...200, each once")
        let claimed = try await withThrowingTaskGroup(of: [RunID].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [RunID] = []
                    while true {
                        let batch = try await store.claimRuns(owner: "w\(worker)", limit: 7, leaseUntil: t0 + 60, now: t0)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [RunID]()) { $0 += $1 }
        }
        #expect(claimed.count == 200 && Set(claimed).count == 200)
    }
}
