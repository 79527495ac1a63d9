public import Foundation
public import SkeinCore

/// Everything Skein keeps, as domain operations. Each method is one transaction in the
/// backend, so a crash between two calls never leaves half of one behind.
///
/// Backends: `SQLiteStore` (embedded, one machine) and, later, PostgreSQL for several
/// processes. Both must pass the storage conformance suite.
public protocol SkeinStore: FlowStore, RunStore, InstanceStore, SyncStore, AccessStore, StoreHealth, RunCountStore,
    DataPoolStore, CacheStore, TrackedDataStore, RunVariableStore, Sendable {}

public protocol StoreHealth: Sendable {
    /// Throws `StorageError(.unavailable, …)` when the store cannot be read (for `GET /health`).
    func checkReachable() async throws
}

public protocol FlowStore: Sendable {
    /// Stores a new version of the flow unless the text is the same as the latest version's.
    /// Returns the deployed version and whether it is new.
    func deploy(_ definition: FlowDefinition, source: String, now: Date) async throws -> (flow: DeployedFlow, isNew: Bool)
    /// The latest version, or a given one.
    func flow(id: String, version: Int?) async throws -> DeployedFlow?
    /// The latest version of every flow.
    func flows() async throws -> [DeployedFlow]
    func versions(of flowID: String) async throws -> [DeployedFlow]
    func setEnabled(flowID: String, enabled: Bool) async throws
    /// Claims the right to fire `flowID`'s schedule for the tick at `tick`; true exactly once per tick across processes.
    func claimScheduleTick(flowID: String, tick: Date) async throws -> Bool
}

public protocol RunStore: Sendable {
    /// Stores a run and its input payloads as `queued`, before anyone is told it was accepted.
    func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord
    /// Stores several runs as `queued` in ONE transaction (one durable commit for all: group
    /// commit), returning their records in the same order; all are stored or none.
    func enqueueBatch(_ runs: [NewRun], now: Date) async throws -> [RunRecord]
    /// Stores a run already claimed by `owner` (a run executed in the calling process).
    func startClaimed(_ run: NewRun, owner: String, leaseUntil: Date, now: Date) async throws -> RunRecord
    /// Claims up to `limit` runs: queued ones by priority then age, and started ones whose lease
    /// expired (their worker died), which are resumed.
    func claimRuns(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord]
    /// Extends the leases `owner` still holds; returns the ids of those runs that were asked to stop.
    func renewLeases(runIDs: [Int64], owner: String, until: Date) async throws -> (held: [Int64], stopRequested: [Int64])
    /// Records that a step started (replacing an unfinished record of the same step after a resume).
    func beginStep(runID: Int64, sequence: Int, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws
    /// Records a step's outcome and output payloads together.
    func finishStep(runID: Int64, sequence: Int, outcome: StepOutcome, now: Date) async throws
    func finishRun(runID: Int64, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws
    /// Stores the W3C `traceparent` of the run's span unless the run already has one (the first
    /// traced pick-up's stays, so a resumed run continues the same trace).
    func recordTraceParent(runID: Int64, traceParent: String) async throws
    /// Asks a run to stop; a queued run stops at once. Returns false if it had already finished.
    func requestStop(runID: Int64, now: Date) async throws -> Bool

    func run(id: Int64) async throws -> RunRecord?
    func runs(_ query: RunQuery) async throws -> [RunRecord]
    func steps(runID: Int64) async throws -> [StepRecord]
    func payloadInfos(runID: Int64, sequence: Int) async throws -> [PayloadInfo]
    /// A stored payload, byte for byte as produced.
    func payload(runID: Int64, sequence: Int, index: Int) async throws -> Payload?
    /// All payloads step `sequence` produced, in order.
    func payloads(runID: Int64, sequence: Int) async throws -> [Payload]

    /// Deletes up to `limit` finished runs queued before `cutoff`, with their steps and payloads.
    /// Runs still queued or started are never deleted. Returns how many runs went.
    func pruneRuns(olderThan cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` payloads of finished runs queued before `cutoff`, keeping the runs'
    /// logs (steps, counts, errors) and marking them `payloadsExpired`. Returns how many payloads went.
    func prunePayloads(olderThan cutoff: Date, limit: Int) async throws -> Int
}

extension RunStore {
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

/// The sync report: one entry per item a send step tried to deliver, with its status history.
/// Entries are created by `RunStore.finishStep` (in the step's transaction, from
/// `StepOutcome.syncEntries`) and changed here.
public protocol SyncStore: Sendable {
    /// Stores entries outside a run step (imports, benchmarks), all in one transaction.
    func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [Int64]
    /// A page of the report, in `query.sort` order, after `query.after`.
    func syncEntries(_ query: SyncQuery) async throws -> SyncPage
    /// Every entry matching `query` (from `query.after`, ignoring `query.limit`), in sort order,
    /// handed to `body` `batchSize` at a time from one consistent snapshot: one sort, constant
    /// memory (CSV downloads).
    func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws
    /// How many entries of the query's window and filters have each status (the status filter is ignored).
    func syncCounts(_ query: SyncQuery) async throws -> [SyncStatus: Int]
    func syncEntry(id: Int64) async throws -> SyncEntry?
    func syncOrigin(id: Int64) async throws -> SyncOrigin?
    func syncTransitions(entryID: Int64) async throws -> [SyncTransition]
    /// The payload as it was sent, byte for byte.
    func syncPayload(entryID: Int64) async throws -> Payload?
    /// Claims up to `limit` Pending entries whose retry is due, pushing their retry time to
    /// `leaseUntil` so no other process retries them meanwhile.
    func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry]
    /// Records another attempt: attempts + 1, latest attempt time and answer, and a transition
    /// when the status changed (or the attempt was manual).
    func recordSyncAttempt(entryID: Int64, _ attempt: SyncAttempt, now: Date) async throws
    /// Sent → OK for the given entries; returns the ids that were Sent and are now OK.
    func confirmSync(ids: [Int64], reason: String, now: Date) async throws -> [Int64]
}

public protocol InstanceStore: Sendable {
    func saveInstance(_ instance: StoredInstance) async throws
    func storedInstance(named name: String) async throws -> StoredInstance?
    func storedInstances() async throws -> [StoredInstance]
    func deleteInstance(named name: String) async throws -> Bool
    /// Rewrites every instance with what `reseal` returns for it (new sealed credentials and
    /// key id), in one transaction: if `reseal` throws for any instance, none is changed.
    /// Returns how many instances were rewritten. Used to rotate the credential key.
    func resealInstances(_ reseal: @escaping @Sendable (StoredInstance) throws -> StoredInstance) async throws -> Int
}

/// Storage failures, by what a caller can do about them.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case conflict
        case unavailable
        case corrupt
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
