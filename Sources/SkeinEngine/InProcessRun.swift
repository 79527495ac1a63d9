public import Foundation
import SkeinCore
import SkeinStorage

/// Starts a run and executes it in the calling process (what `skein run`, `skein runs replay`
/// and `skein runs retry` do without `--queue`).
///
/// The run is stored already claimed by this process, and its lease is renewed while it
/// executes, so a `skein serve` sharing the database leaves it alone, and resumes it if this
/// process dies. A stop asked for with `skein runs stop` is honoured before the next step.
public struct InProcessRun: Sendable {
    public let executor: RunExecutor
    public let owner: String
    public let lease: Duration

    public init(executor: RunExecutor, owner: String = "cli-\(ProcessInfo.processInfo.processIdentifier)", lease: Duration = .seconds(30)) {
        self.executor = executor
        self.owner = owner
        self.lease = lease
    }

    /// Stores `newRun` (its input payloads first), calls `started` with the stored record, then
    /// executes it to the end. Returns the finished run.
    public func start(_ newRun: NewRun, started: (RunRecord) -> Void = { _ in }) async throws -> RunRecord {
        try await startCollecting(newRun, started: started).run
    }

    /// Like `start`, also returning the run's final payloads (see `RunExecutor.executeCollecting`).
    public func startCollecting(_ newRun: NewRun, started: (RunRecord) -> Void = { _ in }) async throws -> (run: RunRecord, outputs: [Payload]) {
        let store = executor.store
        let now = executor.now
        let record = try await store.startClaimed(newRun, owner: owner, leaseUntil: now().addingTimeInterval(lease.seconds), now: now())
        started(record)
        let stop = LockedValue(false)
        let (owner, lease) = (self.owner, self.lease)
        let keeper = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: lease / 3) } catch { return }
                // A failed renewal (the database busy for a moment) is tried again at the next beat.
                guard
                    let renewal = try? await store.renewLeases(
                        runIDs: [record.id], owner: owner,
                        until: now().addingTimeInterval(lease.seconds))
                else { continue }
                // Asked to stop, or the lease was lost to another worker: stop before the next step.
                if !renewal.stopRequested.isEmpty || renewal.held.isEmpty { stop.withLock { $0 = true } }
            }
        }
        defer { keeper.cancel() }
        let (_, outputs) = try await executor.executeCollecting(record, stopRequested: { stop.withLock { $0 } })
        guard let finished = try await store.run(id: record.id) else { throw StorageError(.corrupt, "run \(record.id) vanished") }
        return (finished, outputs)
    }
}
