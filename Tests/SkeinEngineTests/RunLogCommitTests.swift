import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

/// A test shape that, when it runs, reads what the run log holds for its run: it shows what a
/// crash at that moment would leave behind. `touchesNoSystem` makes it stand in for a map (true)
/// or for a send to another system (false).
struct RunLogProbe: ShapeKind {
    final class Seen: Sendable {
        let steps = LockedValue<[StepRecord]>([])
        let payloadCounts = LockedValue<[Int: Int]>([:])
    }
    let type: String
    let touchesNoSystem: Bool
    let store: MemoryStore
    let seen: Seen
    var spec: ShapeSpec {
        ShapeSpec(type: type, category: .data, touchesNoSystem: touchesNoSystem, summary: "reads the run log while it runs", settings: ObjectSpec([]))
    }

    func make(_ settings: ValidSettings) -> (any ShapeExecutor)? { Executor(store: store, seen: seen) }

    struct Executor: ShapeExecutor {
        let store: MemoryStore
        let seen: Seen
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            let steps = try await store.steps(runID: context.runID)
            var counts: [Int: Int] = [:]
            for step in steps { counts[step.sequence] = try await store.payloadInfos(of: StepID(run: context.runID, sequence: step.sequence)).count }
            seen.steps.withLock { $0 = steps }
            seen.payloadCounts.withLock { $0 = counts }
            return ShapeResult(outputs: input)
        }
    }
}

/// When the run log is committed, as a crash would find it: a step that reaches another system
/// is recorded as started before it runs, a step's outputs are stored before the next step
/// starts, and a shape that touches no system has its start committed with its end.
@Suite struct RunLogCommitTests {
    let logger = Logger(label: "test")

    /// What one run of `text` saw and stored, with a `RunLogProbe` registered as `probe`.
    struct Outcome {
        var store: MemoryStore
        var seen: RunLogProbe.Seen
        var runID: RunID
        var status: RunStatus
    }

    func run(_ text: String, probe: String, touchesNoSystem: Bool) async throws -> Outcome {
        let store = MemoryStore()
        let seen = RunLogProbe.Seen()
        var catalog = ShapeCatalog()
        catalog.register(RunLogProbe(type: probe, touchesNoSystem: touchesNoSystem, store: store, seen: seen))
        let flow = try await store.deploy(try FlowFile.decode(text, catalog: catalog), source: text, now: Date()).flow
        let run = try await store.startClaimed(
            NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: [Payload(json: ["id": 1])]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let status = try await RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger).execute(run)
        return Outcome(store: store, seen: seen, runID: run.id, status: status)
    }

    @Test func aStepThatReachesASystemIsRecordedAsStartedBeforeItRuns() async throws {
        let outcome = try await run(
            """
            id: out
            shapes:
              - id: tidy
                map: { fields: { order: id } }
              - id: send
                send_probe: {}
            """, probe: "send_probe", touchesNoSystem: false)
        #expect(outcome.status == .success)
        let steps = outcome.seen.steps.withLock { $0 }
        // The map's end, with its output, and the send's start were durable when the send ran.
        #expect(steps.map(\.shapeID) == ["tidy", "send"])
        #expect(steps.map(\.status) == [.success, .running])
        #expect(outcome.seen.payloadCounts.withLock { $0[1] } == 1)
    }

    @Test func aShapeThatTouchesNoSystemHasItsStartCommittedWithItsEnd() async throws {
        let outcome = try await run(
            """
            id: quiet
            shapes:
              - id: look
                quiet_probe: {}
              - id: tidy
                map: { fields: { order: id } }
            """, probe: "quiet_probe", touchesNoSystem: true)
        #expect(outcome.status == .success)
        // Nothing was committed for the first step while it ran: a crash then reruns it from the
        // run's stored input, which repeats nothing anyone can see.
        #expect(outcome.seen.steps.withLock { $0 }.isEmpty)
        let stored = try await outcome.store.steps(runID: outcome.runID)
        #expect(stored.map(\.shapeID) == ["look", "tidy"])
        #expect(stored.map(\.status) == [.success, .success])
    }

    @Test func aQuietStepStillFindsTheStepBeforeItStored() async throws {
        let outcome = try await run(
            """
            id: quiet-second
            shapes:
              - id: tidy
                map: { fields: { order: id } }
              - id: look
                quiet_probe: {}
            """, probe: "quiet_probe", touchesNoSystem: true)
        #expect(outcome.status == .success)
        // The map's outputs are durable before the next step starts, quiet or not.
        let steps = outcome.seen.steps.withLock { $0 }
        #expect(steps.map(\.shapeID) == ["tidy", "look"])
        #expect(steps.map(\.status) == [.success, .running])
        #expect(outcome.seen.payloadCounts.withLock { $0[1] } == 1)
    }
}
