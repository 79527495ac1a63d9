import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import SkeinStorageSQLite
import Testing

/// A store in a fresh temporary SQLite file, for tests about several processes sharing one database.
func makeSQLiteStore() throws -> (SQLiteStore, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-engine-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (try SQLiteStore(path: directory.appendingPathComponent("skein.sqlite").path), directory)
}

/// A test shape that fails transiently a set number of times, then passes its input on,
/// counting every call: it stands in for a destination that is down for a while.
struct FlakyShape: ShapeKind {
    final class Calls: Sendable {
        let count = LockedValue(0)
    }
    let failures: Int
    let calls: Calls
    var spec: ShapeSpec { ShapeSpec(type: "flaky", category: .data, summary: "fails transiently, then succeeds", settings: ObjectSpec([])) }

    func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(failures: failures, calls: calls)
    }

    struct Executor: ShapeExecutor {
        let failures: Int
        let calls: Calls
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            let call = calls.count.withLock { value -> Int in
                value += 1; return value
            }
            if call <= failures { throw ShapeFailure("destination unavailable (call \(call))", isTransient: true) }
            return ShapeResult(outputs: input, warnings: ["took \(call) calls"])
        }
    }
}

/// A clock whose sleeps return at once: each moves its time on by the wait and is remembered,
/// so a test sees how long the engine would have waited without waiting.
final class SkippingClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }
    private let state = LockedValue((now: Instant(offset: .zero), waits: [Duration]()))
    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    /// Every wait asked for, in order.
    var waits: [Duration] { state.withLock { $0.waits } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.waits.append(state.now.duration(to: deadline))
            state.now = max(state.now, deadline)
        }
    }
}

@Suite struct EngineTests {
    let logger = Logger(label: "test")

    func deploy(_ text: String, on store: any FlowWriter, catalog: ShapeCatalog) async throws -> DeployedFlow {
        try await store.deploy(try FlowFile.decode(text, catalog: catalog), source: text, now: Date()).flow
    }

    @Test func retriesTransientFailuresPerThePolicyAndRecordsAttempts() async throws {
        let store = MemoryStore()
        let calls = FlakyShape.Calls()
        var catalog = ShapeCatalog()
        catalog.register(FlakyShape(failures: 2, calls: calls))
        let flow = try await deploy(
            """
            id: flaky
            shapes:
              - id: each
                split: { path: orders }
              - id: send
                flaky: {}
                retry: { attempts: 3, backoff: 10ms }
            """, on: store, catalog: catalog)
        let run = try await store.startClaimed(
            NewRun(
                flowID: "flaky", flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: ["orders": [1, 2]])]), owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .success)
        let steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.status) == [.success, .success])
        #expect(steps[1].attempts == 3)
        #expect(steps[1].outputCount == 2)
        #expect(steps[1].warnings == ["took 3 calls"])
    }

    @Test func retriesWaitTheBackoffOnTheExecutorsClock() async throws {
        let store = MemoryStore()
        let calls = FlakyShape.Calls()
        var catalog = ShapeCatalog()
        catalog.register(FlakyShape(failures: 3, calls: calls))
        // Ten minutes of backoff in all: the injected clock makes them instant, and says how long each was.
        let flow = try await deploy(
            """
            id: patient
            shapes:
              - id: send
                flaky: {}
                retry: { attempts: 4, backoff: 2m, max_backoff: 5m }
            """, on: store, catalog: catalog)
        let run = try await store.startClaimed(
            NewRun(
                flowID: "patient", flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: ["id": 1])]), owner: "t", leaseUntil: Date() + 60, now: Date())
        let clock = SkippingClock()
        let retried = LockedValue<[Duration]>([])
        let executor = RunExecutor(
            store: store, catalog: catalog, instances: FixedInstances([]), logger: logger, clock: clock,
            onEvent: { event in
                if case .stepRetrying(_, _, _, let after, _) = event { retried.withLock { $0.append(after) } }
            })
        #expect(try await executor.execute(run) == .success)
        #expect(clock.waits == [.seconds(120), .seconds(240), .seconds(300)])
        #expect(retried.withLock { $0 } == clock.waits)
        #expect(try await store.steps(runID: run.id).first?.attempts == 4)
    }

    @Test func failsTheRunNamingTheStepWhenRetriesRunOut() async throws {
        let store = MemoryStore()
        var catalog = ShapeCatalog()
        catalog.register(FlakyShape(failures: 5, calls: FlakyShape.Calls()))
        let flow = try await deploy("id: down\nshapes:\n  - id: send\n    flaky: {}\n    retry: { attempts: 2, backoff: 10ms }\n", on: store, catalog: catalog)
        let run = try await store.startClaimed(
            NewRun(flowID: "down", flowVersion: flow.version, trigger: .manual), owner: "t",
            leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .failure)
        let record = try #require(try await store.run(id: run.id))
        #expect(record.failedShapeID == "send")
        #expect(record.error == "step 'send' failed (after 2 attempts): destination unavailable (call 2)")
        #expect(try await store.steps(runID: run.id).first?.error == "destination unavailable (call 2)")
    }

    @Test func skippedShapesPassTheirInputThroughAndAreRecorded() async throws {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let flow = try await deploy(
            """
            id: skipping
            shapes:
              - id: each
                skip: true
                split: { path: orders }
              - id: check
                assert: { that: [ { field: orders, exists: true } ] }
            """, on: store, catalog: catalog)
        let run = try await store.startClaimed(
            NewRun(
                flowID: "skipping", flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: ["orders": [1]])]), owner: "t", leaseUntil: Date() + 60, now: Date())
        #expect(try await RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger).execute(run) == .success)
        let steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.status) == [.skipped, .success])
        #expect(
            try await store.payloads(of: StepID(run: run.id, sequence: 1)) == [Payload(bytes: Array(#"{"orders":[1]}"#.utf8), contentType: "application/json")])
    }

    @Test func aStopRequestEndsTheRunBeforeTheNextStep() async throws {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let flow = try await deploy("id: stop\nshapes:\n  - id: a\n    split: {}\n  - id: b\n    split: {}\n", on: store, catalog: catalog)
        let run = try await store.startClaimed(
            NewRun(
                flowID: "stop", flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: [[1]])]), owner: "t", leaseUntil: Date() + 60, now: Date())
        let stopped = LockedValue(false)
        let executor = RunExecutor(
            store: store, catalog: catalog, instances: FixedInstances([]), logger: logger,
            onEvent: { event in
                if case .stepFinished(_, 1, _, _, _) = event { stopped.withLock { $0 = true } }
            })
        #expect(try await executor.execute(run, stopRequested: { stopped.withLock { $0 } }) == .stopped)
        #expect(try await store.steps(runID: run.id).map(\.shapeID) == ["a"])
        #expect(try await store.run(id: run.id)?.status == .stopped)
    }

    /// Two processes on one SQLite file: each tick is claimed by one of them.
    @Test func schedulesFireOncePerTickAcrossSchedulers() async throws {
        let (store, directory) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "id: hourly\ntrigger: { schedule: \"0 * * * *\" }\nshapes:\n  - id: a\n    payload: { json: 1 }\n"
        _ = try await store.deploy(try FlowFile.decode(text), source: text, now: Date())
        let other = try SQLiteStore(path: directory.appendingPathComponent("skein.sqlite").path)
        let first = Scheduler(store: store, logger: logger)
        let second = Scheduler(store: other, logger: logger)
        let t0: Int64 = 1_795_438_800  // 2026-11-23 13:00 UTC
        // Both schedulers look at the same three hours; each tick must fire exactly once.
        try await first.fireDue(from: t0 - 1, to: t0 + 2 * 3600)
        try await second.fireDue(from: t0 - 1, to: t0 + 2 * 3600)
        let runs = try await store.runs(RunQuery(flowID: "hourly", limit: 10))
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.trigger == .schedule && $0.status == .queued })
        // A disabled flow does not fire.
        try await store.setEnabled(flowID: "hourly", enabled: false)
        try await first.fireDue(from: t0 + 2 * 3600, to: t0 + 5 * 3600)
        #expect(try await store.runs(RunQuery(flowID: "hourly", limit: 10)).count == 3)
    }
}
