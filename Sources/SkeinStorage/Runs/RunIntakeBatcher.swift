public import Foundation
public import SkeinCore

/// Group commit for accepted runs: concurrent `enqueue` calls are gathered and written by
/// `RunIntake.enqueueBatch` in one transaction, so a burst of webhooks pays for one durable
/// commit (one fsync) instead of one each.
///
/// There is no timer: while one batch is being committed, the runs that arrive wait and form the
/// next batch, so a lone request is committed at once and a busy server commits ever larger
/// batches. Each caller gets back only ITS run, and only after the batch holding it committed;
/// when a batch fails every caller in it gets the error (nothing is reported as accepted that
/// the store did not keep).
public actor RunIntakeBatcher {
    private struct Waiting {
        let run: NewRun
        let now: Date
        let continuation: CheckedContinuation<RunRecord, any Error>
    }

    private let store: any RunIntake
    private let maximumBatch: Int
    private var waiting: [Waiting] = []
    private var committing = false

    /// - Parameter maximumBatch: the most runs one transaction holds (bounds a commit's size).
    public init(store: any RunIntake, maximumBatch: Int = 256) {
        self.store = store
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Stores `run` as `queued` and returns its record once it is committed.
    public func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(run: run, now: now, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits batches until nobody waits. Runs on the actor; while `enqueueBatch` is awaited the
    /// actor is free, and new arrivals queue up for the next batch.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maximumBatch))
            waiting.removeFirst(batch.count)
            // One clock reading for the whole batch: the newest arrival's.
            let now = batch.map(\.now).max() ?? Date()
            do {
                let records = try await store.enqueueBatch(batch.map(\.run), now: now)
                guard records.count == batch.count else {
                    throw StorageError(.corrupt, "a batch of \(batch.count) runs returned \(records.count) records")
                }
                for (entry, record) in zip(batch, records) { entry.continuation.resume(returning: record) }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        committing = false
    }
}
