/// Group commit: what concurrent callers ask to write is gathered and written by one `commit`
/// call — one transaction, one durable sync — so a busy store pays one fsync per batch instead of
/// one per caller. `RunIntakeBatcher` (accepted webhooks), `RunLogBatcher` (run logs) and the
/// SQLite delivery ledger are built on it.
///
/// There is no timer: while one batch commits, the items that arrive wait and form the next, so a
/// lone item is committed at once and a busy store commits ever larger batches. Items are
/// committed in the order they arrived, and each caller gets back only the outcome of ITS item,
/// only after the transaction holding it committed — nothing is reported done that is not durable.
public actor GroupCommit<Item: Sendable, Outcome: Sendable> {
    /// What a failed batch means for the callers in it.
    public enum WhenABatchFails: Sendable {
        /// Every caller in the batch gets the error (the store failed, not one item).
        case failEveryone
        /// Each item is committed again alone, so one caller's bad item fails that caller only.
        case commitEachAlone
    }

    /// Writes `items` in order in one transaction and returns one outcome per item, in order.
    public typealias Commit = @Sendable (_ items: [Item]) async throws -> [Outcome]

    private struct Waiting {
        let item: Item
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private let commit: Commit
    private let maximumBatch: Int
    private let whenABatchFails: WhenABatchFails
    private var waiting: [Waiting] = []
    private var committing = false

    /// - Parameters:
    ///   - maximumBatch: the most items one transaction holds (bounds a commit's size); 1 commits
    ///     every item alone.
    ///   - whenABatchFails: whether a failed batch fails all its callers or is retried item by item.
    ///   - commit: writes one batch; it must return exactly one outcome per item.
    public init(maximumBatch: Int = 256, whenABatchFails: WhenABatchFails, commit: @escaping Commit) {
        self.commit = commit
        self.maximumBatch = max(1, maximumBatch)
        self.whenABatchFails = whenABatchFails
    }

    /// Commits `item` with whatever else is waiting and returns its outcome once committed.
    public func submit(_ item: Item) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(item: item, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits batches until nobody waits. While `commit` is awaited the actor is free, and new
    /// arrivals queue up for the next batch.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maximumBatch))
            waiting.removeFirst(batch.count)
            do {
                let outcomes = try await commitChecked(batch.map(\.item))
                for (entry, outcome) in zip(batch, outcomes) { entry.continuation.resume(returning: outcome) }
            } catch {
                guard whenABatchFails == .commitEachAlone, batch.count > 1 else {
                    for entry in batch { entry.continuation.resume(throwing: error) }
                    continue
                }
                for entry in batch {
                    do {
                        entry.continuation.resume(returning: try await commitChecked([entry.item])[0])
                    } catch {
                        entry.continuation.resume(throwing: error)
                    }
                }
            }
        }
        committing = false
    }

    private func commitChecked(_ items: [Item]) async throws -> [Outcome] {
        let outcomes = try await commit(items)
        guard outcomes.count == items.count else {
            throw StorageError(.corrupt, "a batch of \(items.count) writes returned \(outcomes.count) outcomes")
        }
        return outcomes
    }
}
