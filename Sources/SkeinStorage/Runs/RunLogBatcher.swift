/// Group commit for run logs: the writes concurrent runs make (a step begun, a step finished with
/// its outputs, a run finished) are gathered and written by `RunLogWriter.commitRunLog` in one
/// transaction (`GroupCommit`), so a worker executing many short runs at once pays for one
/// durable commit per batch instead of one per write.
///
/// A caller's writes (one *unit*) are applied in order and all or none, and `commit` returns only
/// after the transaction holding them committed. When a batch fails, each unit in it is committed
/// again alone, so one run's bad write (a step that was never begun) fails that run only.
public struct RunLogBatcher: Sendable {
    private let group: GroupCommit<[RunLogWrite], Void>

    /// - Parameter maximumBatch: the most units one transaction holds (bounds a commit's size);
    ///   1 commits every unit alone.
    public init(store: any RunLogWriter, maximumBatch: Int = 256) {
        group = GroupCommit(maximumBatch: maximumBatch, whenABatchFails: .commitEachAlone) { units in
            try await store.commitRunLog(units.flatMap { $0 })
            return units.map { _ in () }
        }
    }

    /// Writes `writes` (in order, all or none) and returns once they are committed.
    public func commit(_ writes: [RunLogWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await group.submit(writes)
    }
}
