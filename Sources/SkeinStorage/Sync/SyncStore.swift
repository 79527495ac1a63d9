public import Foundation
public import SkeinCore

/// Reads the sync report: pages in any sort order, counts, one entry with its history and payload.
public protocol SyncReportReader: Sendable {
    /// A page of the report, in `query.sort` order, after `query.after`.
    func syncEntries(_ query: SyncQuery) async throws -> SyncPage
    /// Every entry matching `query` (from `query.after`, ignoring `query.limit`), in sort order,
    /// handed to `body` `batchSize` at a time from one consistent snapshot: one sort, constant
    /// memory (CSV downloads).
    func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws
    /// How many entries of the query's window and filters have each status (the status filter is ignored).
    func syncCounts(_ query: SyncQuery) async throws -> [SyncStatus: Int]
    func syncEntry(id: SyncEntryID) async throws -> SyncEntry?
    func syncOrigin(id: SyncEntryID) async throws -> SyncOrigin?
    func syncTransitions(entryID: SyncEntryID) async throws -> [SyncTransition]
    /// Every delivery attempt of the entry, first to latest (entries stored before the attempt
    /// log existed have none).
    func syncAttempts(entryID: SyncEntryID) async throws -> [SyncAttemptRecord]
    /// The payload as it was sent, byte for byte.
    func syncPayload(entryID: SyncEntryID) async throws -> Payload?
}

/// Changes the sync report. Entries are created by `RunLogWriter.finishStep` (in the step's
/// transaction, from `StepOutcome.syncEntries`) or inserted here, then moved on by retries,
/// resyncs and confirmations.
public protocol SyncReportWriter: Sendable {
    /// Stores entries outside a run step (imports, benchmarks), all in one transaction.
    func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [SyncEntryID]
    /// Claims up to `limit` Pending entries whose retry is due, pushing their retry time to
    /// `leaseUntil` so no other process retries them meanwhile.
    func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry]
    /// Records another attempt: attempts + 1, latest attempt time and answer, a row of the
    /// attempt log, and a transition when the status changed (or the attempt was manual).
    func recordSyncAttempt(entryID: SyncEntryID, _ attempt: SyncAttempt, now: Date) async throws
    /// Sent → OK for the given entries; returns the ids that were Sent and are now OK.
    func confirmSync(ids: [SyncEntryID], reason: String, now: Date) async throws -> [SyncEntryID]
}

/// The sync report: one entry per item a send step tried to deliver, with its status history.
public protocol SyncStore: SyncReportReader, SyncReportWriter {}
