import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Runs with their steps, payloads (per step, in index order; step 0 holds the input) and the
/// variables steps set. Ids count up from 1 and are never reused, as in the databases.
struct RunTables {
    var nextID: Int64 = 1
    var runs: [RunID: RunRecord] = [:]
    var steps: [RunID: [Int: StepRecord]] = [:]
    /// Run → step sequence → payload index → payload.
    var payloads: [RunID: [Int: [Int: StoredPayload]]] = [:]
    var variables: [RunID: [Int: [String: JSON]]] = [:]

    mutating func insert(_ run: NewRun, payloads: [StoredPayload], status: RunStatus, owner: String?, leaseUntil: Date?, now: Date) -> RunRecord {
        let id = RunID(nextID)
        nextID += 1
        let record = RunRecord(
            id: id, flowID: run.flowID, flowVersion: run.flowVersion, status: status, trigger: run.trigger,
            priority: run.priority, entryShapeID: run.entryShapeID, originRunID: run.originRunID, queuedAt: storedTime(now),
            startedAt: owner == nil ? nil : storedTime(now), finishedAt: nil, error: nil, failedShapeID: nil,
            hasWarnings: false, stopRequested: false, leaseOwner: owner, leaseExpiresAt: leaseUntil.map(storedTime),
            claims: owner == nil ? 0 : 1, inputCount: run.input.count)
        runs[id] = record
        if !payloads.isEmpty { self.payloads[id, default: [:]][0] = Dictionary(uniqueKeysWithValues: payloads.enumerated().map { ($0, $1) }) }
        return record
    }

    /// How many runs of each flow are started (leases held or expired).
    var startedByFlow: [String: Int] {
        var counts: [String: Int] = [:]
        for run in runs.values where run.status == .started { counts[run.flowID, default: 0] += 1 }
        return counts
    }

    /// A step's payloads in index order.
    func storedPayloads(_ step: StepID) -> [(index: Int, payload: StoredPayload)] {
        (payloads[step.run]?[step.sequence] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension MemoryStore: RunIntake {
    public func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord {
        let payloads = run.input.map(StoredPayload.init)
        return try transaction { state in state.runs.insert(run, payloads: payloads, status: .queued, owner: nil, leaseUntil: nil, now: now) }
    }

    public func enqueueBatch(_ runs: [NewRun], now: Date) async throws -> [RunRecord] {
        let payloads = runs.map { $0.input.map(StoredPayload.init) }
        return try transaction { state in
            zip(runs, payloads).map { state.runs.insert($0, payloads: $1, status: .queued, owner: nil, leaseUntil: nil, now: now) }
        }
    }

    public func startClaimed(_ run: NewRun, owner: String, leaseUntil: Date, now: Date) async throws -> RunRecord {
        let payloads = run.input.map(StoredPayload.init)
        return try transaction { state in
            state.runs.insert(run, payloads: payloads, status: .started, owner: owner, leaseUntil: leaseUntil, now: now)
        }
    }
}

extension MemoryStore: RunQueue {
    public func claimRuns(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord] {
        try transaction { state in
            let started = state.runs.startedByFlow
            let limits = state.flows.flows.compactMapValues(\.maxConcurrentRuns)
            // Queued runs of a flow at its limit are not candidates; RunClaimPlan keeps the batch within each limit.
            let candidates = state.runs.runs.values.filter { run in
                switch run.status {
                case .started: return run.leaseExpiresAt.map { $0.timeIntervalSince1970 < now.timeIntervalSince1970 } ?? false
                case .queued: return limits[run.flowID].map { started[run.flowID, default: 0] < $0 } ?? true
                default: return false
                }
            }.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }.prefix(max(0, limit)).map { run in
                RunClaimPlan.Candidate(id: run.id, flowID: run.flowID, isResume: run.status == .started, limit: limits[run.flowID])
            }
            let running = started.filter { limits[$0.key] != nil }
            let chosen = RunClaimPlan.choose(candidates, running: running, count: limit)
            return chosen.compactMap { id -> RunRecord? in
                guard var run = state.runs.runs[id] else { return nil }
                run.status = .started
                run.leaseOwner = owner
                run.leaseExpiresAt = storedTime(leaseUntil)
                run.claims += 1
                run.startedAt = run.startedAt ?? storedTime(now)
                state.runs.runs[id] = run
                return run
            }.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
        }
    }

    public func renewLeases(runIDs: [RunID], owner: String, until: Date) async throws -> (held: [RunID], stopRequested: [RunID]) {
        try transaction { state in
            var held: [RunID] = []
            var stops: [RunID] = []
            for id in runIDs {
                guard var run = state.runs.runs[id], run.leaseOwner == owner, run.status == .started else { continue }
                run.leaseExpiresAt = storedTime(until)
                state.runs.runs[id] = run
                held.append(id)
                if run.stopRequested { stops.append(id) }
            }
            return (held, stops)
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> [RunID] {
        try transaction { state in
            let owned = state.runs.runs.values.filter { $0.leaseOwner == owner && $0.status == .started }.map(\.id).sorted()
            for id in owned { state.runs.runs[id]?.leaseExpiresAt = storedTime(now.addingTimeInterval(-1)) }
            return owned
        }
    }

    public func requestStop(runID: RunID, now: Date) async throws -> Bool {
        try transaction { state in
            guard var run = state.runs.runs[runID] else { return false }
            switch run.status {
            case .queued:
                run.status = .stopped
                run.finishedAt = storedTime(now)
                run.error = "stopped on request before it started"
                run.stopRequested = true
            case .started:
                run.stopRequested = true
            default:
                return false
            }
            state.runs.runs[runID] = run
            return true
        }
    }
}
