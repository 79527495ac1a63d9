public import Foundation
public import SkeinCore

/// Accepts runs: stores them (and their input payloads) before anyone is told they were accepted.
public protocol RunIntake: Sendable {
    /// Stores a run and its input payloads as `queued`, before anyone is told it was accepted.
    func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord
    /// Stores several runs as `queued` in ONE transaction (one durable commit for all: group
    /// commit), returning their records in the same order; all are stored or none.
    func enqueueBatch(_ runs: [NewRun], now: Date) async throws -> [RunRecord]
    /// Stores a run already claimed by `owner` (a run executed in the calling process).
    func startClaimed(_ run: NewRun, owner: String, leaseUntil: Date, now: Date) async throws -> RunRecord
}

extension RunIntake {
    /// A backend without a batch write stores the runs one by one (one commit each). Unlike a
    /// real batch, an error can leave the runs before it stored; callers treat every run of a
    /// failed batch as not accepted, so at worst a client resends one that was kept.
    public func enqueueBatch(_ runs: [NewRun], now: Date) async throws -> [RunRecord] {
        var records: [RunRecord] = []
        records.reserveCapacity(runs.count)
        for run in runs { records.append(try await enqueue(run, now: now)) }
        return records
    }
}

/// The run queue: workers claim runs under a lease, renew it while they work, and learn when
/// someone asked a run to stop.
public protocol RunQueue: Sendable {
    /// Claims up to `limit` runs: queued ones by priority then age, and started ones whose lease
    /// expired (their worker died), which are resumed.
    func claimRuns(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord]
    /// Extends the leases `owner` still holds; returns the ids of those runs that were asked to stop.
    func renewLeases(runIDs: [RunID], owner: String, until: Date) async throws -> (held: [RunID], stopRequested: [RunID])
    /// Ends at once the leases `owner` holds on started runs (they expire as of a second before
    /// `now`), so the next claim resumes those runs instead of waiting for the leases to run out.
    /// Returns the runs released, in id order. Only for a worker starting under an identity no
    /// other live process can hold: the runs were interrupted with its previous incarnation.
    func releaseLeases(owner: String, now: Date) async throws -> [RunID]
    /// Asks a run to stop; a queued run stops at once. Returns false if it had already finished.
    func requestStop(runID: RunID, now: Date) async throws -> Bool
}

/// Writes a run's log as it executes: each step when it starts and, with its output payloads,
/// when it ends, then the run's end.
public protocol RunLogWriter: Sendable {
    /// Records that a step started (replacing an unfinished record of the same step, and its
    /// payloads, after a resume).
    func beginStep(_ step: StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws
    /// Records a step's outcome and output payloads together (with its sync entries and variables).
    /// Throws `StorageError(.notFound)` when the step was never begun.
    func finishStep(_ step: StepID, outcome: StepOutcome, now: Date) async throws
    func finishRun(runID: RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws
    /// Stores the W3C `traceparent` of the run's span unless the run already has one (the first
    /// traced pick-up's stays, so a resumed run continues the same trace).
    func recordTraceParent(runID: RunID, traceParent: String) async throws
    /// Applies `writes` — of any runs, each as its own method would — in order in ONE transaction
    /// (one durable commit for all: group commit); all are kept or none. Throws what the failing
    /// write's own method throws.
    func commitRunLog(_ writes: [RunLogWrite]) async throws
}

/// Reads the run log: runs, their steps and the payloads each step stored.
public protocol RunLogReader: Sendable {
    func run(id: RunID) async throws -> RunRecord?
    /// Newest first (by id), filtered and paged by `query`.
    func runs(_ query: RunQuery) async throws -> [RunRecord]
    /// The run's steps in sequence order.
    func steps(runID: RunID) async throws -> [StepRecord]
    /// What `step` stored (`StepID.input(of:)`: the run's input), in index order.
    func payloadInfos(of step: StepID) async throws -> [PayloadInfo]
    /// A stored payload, byte for byte as produced.
    func payload(of step: StepID, index: Int) async throws -> Payload?
    /// All payloads `step` produced, in order.
    func payloads(of step: StepID) async throws -> [Payload]
    /// For each of `runIDs` that a later run recovered, that run: the first run replayed or
    /// retried from it (`originRunID`) that succeeded. Runs nothing recovered are absent.
    /// `RunQuery.unrecovered` lists the failed runs absent here.
    func recoveries(of runIDs: [RunID]) async throws -> [RunID: RunID]
}

/// Everything about runs: intake, the queue, the log and reading it back.
public protocol RunStore: RunIntake, RunQueue, RunLogWriter, RunLogReader {}
