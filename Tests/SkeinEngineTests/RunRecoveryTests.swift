import Foundation
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

@Suite struct RunRecoveryTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let flowText = """
        id: orders
        shapes:
          - id: each
            split: { path: orders }
          - id: paid
            filter: { where: [ { field: status, equals: paid } ] }
          - id: check
            assert: { that: [ { field: id, exists: true } ] }
        """

    /// Run 1 of `orders` v1: input one page, `each` split it into three orders, `paid` kept two,
    /// `check` failed.
    func failedRun(_ store: MemoryStore) async throws -> RunRecord {
        _ = try await store.deploy(try FlowFile.decode(Self.flowText), source: Self.flowText, now: t0)
        let page: JSON = ["orders": [["id": 1, "status": "paid"], ["id": 2, "status": "open"], ["id": 3, "status": "paid"]]]
        let run = try await store.startClaimed(
            NewRun(flowID: "orders", flowVersion: 1, trigger: .schedule, input: [Payload(json: page)]),
            owner: "w", leaseUntil: t0 + 30, now: t0)
        let steps: [(String, String, StepStatus, [JSON])] = [
            ("each", "split", .success, [["id": 1, "status": "paid"], ["id": 2, "status": "open"], ["id": 3, "status": "paid"]]),
            ("paid", "filter", .success, [["id": 1, "status": "paid"], ["id": 3, "status": "paid"]]),
            ("check", "assert", .failure, []),
        ]
        for (offset, (shape, type, status, outputs)) in steps.enumerated() {
            try await store.beginStep(StepID(run: run.id, sequence: offset + 1), shapeID: shape, shapeType: type, inputCount: 1, inputBytes: 1, now: t0)
            try await store.finishStep(
                StepID(run: run.id, sequence: offset + 1),
                outcome: StepOutcome(
                    status: status, attempts: 1, outputs: outputs.map(Payload.init(json:))), now: t0)
        }
        try await store.finishRun(runID: run.id, status: .failure, error: "assertion failed", failedShapeID: "check", now: t0)
        return try #require(try await store.run(id: run.id))
    }

    @Test func replayEntersAfterTheProducingStepWithItsPayloads() async throws {
        try await withStore { store in
            let origin = try await failedRun(store)
            let recovery = RunRecovery(store: store)
            let next = try await recovery.replay(.init(runID: origin.id, sequence: 1))
            #expect((next.flowID, next.flowVersion, next.trigger, next.originRunID, next.entryShapeID) == ("orders", 1, .replay, origin.id, "paid"))
            #expect(try next.input.map { try $0.json()["id"] } == [1, 2, 3])
            let same = try await recovery.replay(.init(runID: origin.id, sequence: 2, index: 1, entry: .same))
            #expect(same.entryShapeID == "paid")
            #expect(try same.input.map { try $0.json() } == [["id": 3, "status": "paid"]])
            let input = try await recovery.replay(.init(runID: origin.id, sequence: 0))
            #expect(input.entryShapeID == "each")
            // After a new version is deployed, --current runs it; by default the run's own version.
            let v2 = Self.flowText + "\n# stricter later\n"
            _ = try await store.deploy(try FlowFile.decode(v2), source: v2, now: t0)
            #expect(try await recovery.replay(.init(runID: origin.id, sequence: 1)).flowVersion == 1)
            #expect(try await recovery.replay(.init(runID: origin.id, sequence: 1, useLatestVersion: true)).flowVersion == 2)
            // The last step has nothing after it; a step with no payloads has nothing to replay.
            await #expect(throws: RecoveryError.self) { try await recovery.replay(.init(runID: origin.id, sequence: 3)) }
            await #expect(throws: RecoveryError.self) { try await recovery.replay(.init(runID: origin.id, sequence: 1, index: 7)) }
            await #expect(throws: RecoveryError.self) { try await recovery.replay(.init(runID: 99, sequence: 1)) }
        }
    }

    @Test func itemsArePickedByPositionOrCondition() async throws {
        try await withStore { store in
            let origin = try await failedRun(store)
            let recovery = RunRecovery(store: store)
            // One order among the split's single-order payloads.
            let one = try await recovery.replay(.init(runID: origin.id, sequence: 1, selection: try .condition("id = 3")))
            #expect(try one.input.map { try $0.json() } == [["id": 3, "status": "paid"]])
            // Items out of an array payload stay an array.
            let page: [Payload] = [Payload(json: [["id": 1], ["id": 2], ["id": 3]])]
            #expect(try ItemSelection.position(1).apply(to: page).map { try $0.json() } == [[["id": 2]]])
            #expect(try ItemSelection.condition("id > 1").apply(to: page).map { try $0.json() } == [[["id": 2], ["id": 3]]])
            #expect(throws: RecoveryError.self) { try ItemSelection.position(5).apply(to: page) }
            #expect(throws: RecoveryError.self) { try ItemSelection.condition("id = 42").apply(to: page) }
            #expect(throws: RecoveryError.self) { try ItemSelection.position(0).apply(to: [Payload(json: ["id": 1])]) }
            #expect(throws: RecoveryError.self) { try ItemSelection.condition("id = = 1") }
        }
    }

    @Test func retryRestartsAtTheFailedStepWithItsInputs() async throws {
        try await withStore { store in
            let origin = try await failedRun(store)
            let recovery = RunRecovery(store: store)
            let retry = try await recovery.retry(runID: origin.id)
            #expect((retry.trigger, retry.originRunID, retry.entryShapeID, retry.flowVersion) == (.retry, origin.id, "check", 1))
            #expect(try retry.input.map { try $0.json()["id"] } == [1, 3])
            // Only failed or stopped runs are retried.
            let done = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 1, trigger: .manual), owner: "w", leaseUntil: t0, now: t0)
            try await store.finishRun(runID: done.id, status: .success, error: nil, failedShapeID: nil, now: t0)
            await #expect(throws: RecoveryError.self) { try await recovery.retry(runID: done.id) }
        }
    }

    @Test func expiredPayloadsCannotBeReplayedAndSaySo() async throws {
        try await withStore { store in
            let origin = try await failedRun(store)
            #expect(try await store.prunePayloads(olderThan: t0 + 1, limit: 100) == 6)
            let recovery = RunRecovery(store: store)
            do {
                _ = try await recovery.replay(.init(runID: origin.id, sequence: 1))
                Issue.record("replaying expired payloads should fail")
            } catch let error as RecoveryError {
                #expect(error.message.contains("expired"))
            }
            await #expect(throws: RecoveryError.self) { try await recovery.retry(runID: origin.id) }
        }
    }
}
