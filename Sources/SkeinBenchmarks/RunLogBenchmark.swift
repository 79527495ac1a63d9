public import Foundation
import SkeinCore
public import SkeinStorage

/// Fills a store with a synthetic run log (finished runs with their steps) and times the run
/// list's queries (`skein bench runs`; scenario 3 of docs/benchmarks.md).
///
/// Runs are spread evenly over the last 30 days, ids ascending with time: 90 % success, 7 %
/// failure, 3 % stopped; 20 flows; triggers 50 % webhook, 30 % schedule, 15 % api, 5 % manual;
/// 3 steps each. The run log has no text search; its filters are all timed.
public struct RunLogBenchmark: Sendable {
    public let store: any RunLogReader
    public init(store: any RunLogReader) { self.store = store }

    static let flows = (1...20).map { "flow-\($0)" }
    static let shapes: [(id: String, type: String)] = [("receive", "http_receive"), ("map", "map"), ("send", "http_send")]

    /// The status (pseudo-random, independent of the flow) and trigger (each flow has one, as real
    /// flows do) of the `n`th run, 0-based.
    static func kind(_ n: Int) -> (RunStatus, TriggerKind) {
        var mixed = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 31
        let status: RunStatus =
            switch mixed % 100 {
            case 0..<90: .success;
            case 90..<97: .failure;
            default: .stopped
            }
        let trigger: TriggerKind =
            switch n % flows.count {
            case 0..<10: .webhook;
            case 10..<16: .schedule;
            case 16..<19: .api;
            default: .manual
            }
        return (status, trigger)
    }

    /// Inserts `count` runs in transactions of `batch`; calls `progress` with the total so far.
    public func generate(count: Int, batch: Int = 50_000, now: Date = Date(), progress: @Sendable (Int) -> Void = { _ in }) async throws {
        guard let importer = store as? any RunBulkImport else {
            throw StorageError(.unavailable, "this store has no bulk import; `skein bench runs` needs the SQLite backend")
        }
        let span = 30.0 * 86400
        var generated = 0
        while generated < count {
            let size = min(batch, count - generated)
            let start = generated
            let runs = (start..<(start + size)).map { n -> ImportedRun in
                let (status, trigger) = Self.kind(n)
                let queued = now.addingTimeInterval(-span + span * Double(n) / Double(count))
                let failedAt = status == .failure ? 2 : nil as Int?
                let steps = Self.shapes.enumerated().map { index, shape -> ImportedStep in
                    let stepStatus: StepStatus =
                        if let failedAt, index == failedAt { .failure } else if status == .stopped && index == 2 { .stopped } else { .success }
                    return ImportedStep(
                        shapeID: shape.id, shapeType: shape.type, status: stepStatus, inputCount: 10,
                        outputCount: stepStatus == .success ? 10 : 0,
                        error: stepStatus == .failure ? "HTTP 422 from https://erp.example/orders" : nil)
                }
                return ImportedRun(
                    flowID: Self.flows[n % Self.flows.count], flowVersion: 1, status: status, trigger: trigger,
                    queuedAt: queued, finishedAt: queued.addingTimeInterval(0.8),
                    error: status == .failure ? "step send failed: HTTP 422" : nil,
                    failedShapeID: status == .failure ? "send" : nil, steps: steps)
            }
            _ = try await importer.importRuns(runs)
            generated += size
            progress(generated)
        }
    }

    /// Times each query shape `iterations` times, varying the filter values. `days` is the run
    /// list's default window (`skein runs list --days`).
    public func measure(iterations: Int, days: Double = 7, now: Date = Date()) async throws -> [SyncBenchmark.Measurement] {
        let clock = ContinuousClock()
        let since = now.addingTimeInterval(-days * 86400)
        func time(_ label: String, _ make: (Int) async throws -> RunQuery) async throws -> SyncBenchmark.Measurement {
            var samples: [Double] = []
            var rows = 0
            for i in 0..<iterations {
                let query = try await make(i)
                let started = clock.now
                rows = try await store.runs(query).count
                let elapsed = clock.now - started
                samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            return SyncBenchmark.Measurement(label: label, samples: samples, rows: rows)
        }
        // The id 500 pages (of 50) down, found once by walking the pages as a user would.
        var cursor: RunID? = nil
        for _ in 0..<500 { cursor = try await store.runs(RunQuery(since: since, before: cursor, limit: 50)).last?.id ?? cursor }
        let deepCursor = cursor
        var failureCursor: RunID? = nil
        for _ in 0..<100 {
            failureCursor =
                try await store.runs(RunQuery(statuses: [.failure], since: since, before: failureCursor, limit: 50)).last?.id
                ?? failureCursor
        }
        let deepFailureCursor = failureCursor
        let triggers: [TriggerKind] = [.webhook, .schedule, .api, .manual]
        var results: [SyncBenchmark.Measurement] = []
        results.append(try await time("baseline: first page, no filter (`runs list --days 0`)") { _ in RunQuery(limit: 50) })
        results.append(try await time("first page, default 7-day window (`runs list`)") { _ in RunQuery(since: since, limit: 50) })
        results.append(try await time("status=failure, 7 days") { _ in RunQuery(statuses: [.failure], since: since, limit: 50) })
        results.append(try await time("one flow, 7 days") { i in RunQuery(flowID: Self.flows[i % Self.flows.count], since: since, limit: 50) })
        results.append(
            try await time("one flow + status=failure, 7 days") { i in
                RunQuery(flowID: Self.flows[i % Self.flows.count], statuses: [.failure], since: since, limit: 50)
            })
        results.append(try await time("one trigger, 7 days") { i in RunQuery(triggers: [triggers[i % 4]], since: since, limit: 50) })
        results.append(try await time("rare trigger (replay: none in 7 days)") { _ in RunQuery(triggers: [.replay], since: since, limit: 50) })
        results.append(
            try await time("date range: one day, 20 days ago") { i in
                let from = now.addingTimeInterval(-Double(20 + i % 5) * 86400)
                return RunQuery(since: from, until: from.addingTimeInterval(86400), limit: 50)
            })
        results.append(
            try await time("date range + status=failure: one day, 20 days ago") { i in
                let from = now.addingTimeInterval(-Double(20 + i % 5) * 86400)
                return RunQuery(statuses: [.failure], since: from, until: from.addingTimeInterval(86400), limit: 50)
            })
        results.append(
            try await time("date range + one flow: one day, 20 days ago") { i in
                let from = now.addingTimeInterval(-Double(20 + i % 5) * 86400)
                return RunQuery(flowID: Self.flows[i % Self.flows.count], since: from, until: from.addingTimeInterval(86400), limit: 50)
            })
        results.append(try await time("deep keyset page (page 500), 7 days") { _ in RunQuery(since: since, before: deepCursor, limit: 50) })
        results.append(
            try await time("deep keyset page (page 100) of status=failure, 7 days") { _ in
                RunQuery(statuses: [.failure], since: since, before: deepFailureCursor, limit: 50)
            })
        return results
    }
}
