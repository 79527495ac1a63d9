import SkeinCore

/// Group commit for run logs: the writes concurrent runs make (a step begun, a step finished with
/// its outputs, a run finished) are gathered and written by `RunLogWriter.commitRunLog` in one
/// transaction, so a worker executing many short runs at once pays for one durable commit per
/// batch instead of one per write — as `RunIntakeBatcher` does for accepted webhooks.
///
/// There is no timer: while one batch commits, the writes that arrive wait and form the next, so a
/// lone write is committed at once and a busy worker commits ever larger batches. A caller's
/// writes (one *unit*) are applied in order and all or none, and `commit` returns only after the
/// transaction holding them committed, so nothing is reported done that is not durable. When a
/// batch fails, each unit in it is committed again alone, so one run's bad write (a step that was
/// never begun) fails that run only.
public actor RunLogBatcher {
    private struct Waiting {
        let writes: [RunLogWrite]
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let store: any RunLogWriter
    private let maximumBatch: Int
    private var waiting: [Waiting] = []
    private var committing = false

    /// - Parameter maximumBatch: the most units one transaction holds (bounds a commit's size);
    ///   1 commits every unit alone.
    public init(store: any RunLogWriter, maximumBatch: Int = 256) {
        self.store = store
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Writes `writes` (in order, all or none) and returns once they are committed.
    public func commit(_ writes: [RunLogWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(writes: writes, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits batches until nobody waits. While `commitRunLog` is awaited the actor is free, and
    /// new arrivals queue up for the next batch.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maximumBatch))
            waiting.removeFirst(batch.count)
            do {
                try await store.commitRunLog(batch.flatMap(\.writes))
                for entry in batch { entry.continuation.resume() }
            } catch  where batch.count > 1 {
                // Find whose write failed: every unit alone.
                for entry in batch {
                    do {
                        try await store.commitRunLog(entry.writes)
                        entry.continuation.resume()
                    } catch {
                        entry.continuation.resume(throwing: error)
                    }
                }
            } catch {
                batch[0].continuation.resume(throwing: error)
            }
        }
        committing = false
    }
}
