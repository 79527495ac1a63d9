public import Foundation
public import SkeinCore

/// Group commit for accepted runs: concurrent `enqueue` calls are gathered and written by
/// `RunIntake.enqueueBatch` in one transaction (`GroupCommit`), so a burst of webhooks pays for
/// one durable commit (one fsync) instead of one each.
///
/// Each caller gets back only ITS run, and only after the batch holding it committed; when a
/// batch fails every caller in it gets the error (nothing is reported as accepted that the store
/// did not keep).
public struct RunIntakeBatcher: Sendable {
    private struct Arrival: Sendable {
        let run: NewRun
        let now: Date
    }

    private let group: GroupCommit<Arrival, RunRecord>

    /// - Parameter maximumBatch: the most runs one transaction holds (bounds a commit's size).
    public init(store: any RunIntake, maximumBatch: Int = 256) {
        group = GroupCommit(maximumBatch: maximumBatch, whenABatchFails: .failEveryone) { arrivals in
            // One clock reading for the whole batch: the newest arrival's.
            let now = arrivals.map(\.now).max() ?? Date()
            return try await store.enqueueBatch(arrivals.map(\.run), now: now)
        }
    }

    /// Stores `run` as `queued` and returns its record once it is committed.
    public func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord {
        try await group.submit(Arrival(run: run, now: now))
    }
}
