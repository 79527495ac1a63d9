public import Foundation
public import Logging
import ServiceLifecycle
import SkeinCore
import SkeinInstrumentation
import SkeinStorage

/// The worker loop as a `Service`: claims queued runs (and runs whose worker died), executes
/// up to `concurrency` at once, and renews their leases while they run.
///
/// Leases are what make a `kill -9` safe: a run's lease expires `leaseDuration` after its
/// worker stops renewing it, and then any worker claims it again and resumes it. A worker that
/// starts again under the same `owner` does not wait: it releases the leases its previous
/// incarnation held (`RunQueue.releaseLeases`) and resumes those runs at once.
public struct RunWorker: Service {
    public struct Configuration: Sendable {
        /// The lease owner. It must name one live process at a time (`skein serve` uses a
        /// `WorkerSlot`): the worker treats runs leased to it at start as interrupted.
        public var owner: String
        public var concurrency: Int
        public var pollInterval: Duration
        public var leaseDuration: Duration

        public init(owner: String, concurrency: Int = 4, pollInterval: Duration = .milliseconds(250), leaseDuration: Duration = .seconds(15)) {
            self.owner = owner
            self.concurrency = concurrency
            self.pollInterval = pollInterval
            self.leaseDuration = leaseDuration
        }
    }

    let configuration: Configuration
    let executor: RunExecutor
    let logger: Logger

    public init(configuration: Configuration, executor: RunExecutor, logger: Logger) {
        self.configuration = configuration
        self.executor = executor
        self.logger = logger
    }

    public func run() async throws {
        let active = ActiveRuns()
        let store = executor.store
        let owner = configuration.owner
        let lease = configuration.leaseDuration
        logger.info("worker started", metadata: ["worker": "\(owner)", "concurrency": "\(configuration.concurrency)"])
        // When every slot is busy the loop waits for a run to finish (not a poll interval), so a
        // worker's throughput is not capped at `concurrency` runs per poll.
        var slotFreed = active.slotFreed.makeAsyncIterator()
        await releaseInterruptedRuns(store: store, owner: owner)
        try await withThrowingDiscardingTaskGroup { group in
            // Lease keeper: renews the leases of running runs a few times per lease period.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    let ids = active.ids
                    guard !ids.isEmpty else { continue }
                    do {
                        let (held, stops) = try await store.renewLeases(runIDs: ids, owner: owner, until: executor.now().addingTimeInterval(lease.seconds))
                        active.markStopRequested(stops)
                        for lost in Set(ids).subtracting(held) { active.markLost(lost) }
                    } catch {
                        logger.error("could not renew run leases", metadata: ["error": "\(error)"])
                    }
                }
            }
            // While the store is unreachable, claims are retried with a backoff doubling up to 5 s.
            var failures = 0
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let free = configuration.concurrency - active.count
                if free <= 0 {
                    _ = await slotFreed.next()
                    continue
                }
                var claimed: [RunRecord] = []
                if free > 0 {
                    do {
                        let now = executor.now()
                        claimed = try await store.claimRuns(owner: owner, limit: free, leaseUntil: now.addingTimeInterval(lease.seconds), now: now)
                        if failures > 0 { logger.notice("claiming runs again", metadata: ["after.failures": "\(failures)"]) }
                        failures = 0
                    } catch {
                        failures += 1
                        logger.error("could not claim runs", metadata: ["error": "\(error)", "failures": "\(failures)"])
                        let backoff = min(Duration.seconds(5), configuration.pollInterval * (1 << min(failures, 5)))
                        try? await Task.sleep(for: backoff)
                    }
                }
                for run in claimed {
                    active.insert(run.id)
                    group.addTask {
                        SkeinMetric.runsInProgress.add(1)
                        defer {
                            active.remove(run.id)
                            SkeinMetric.runsInProgress.add(-1)
                        }
                        do {
                            _ = try await executor.execute(run, stopRequested: { active.shouldStop(run.id) })
                        } catch {
                            // The run stays leased; when the lease expires another pick-up resumes it.
                            logger.error("run execution stopped", metadata: ["run.id": "\(run.id)", "flow.id": "\(run.flowID)", "error": "\(error)"])
                        }
                    }
                }
                if claimed.isEmpty {
                    try? await Task.sleep(for: configuration.pollInterval)
                }
            }
            group.cancelAll()
        }
    }
}

extension RunWorker {
    /// Ends the leases this owner's previous incarnation held, so the claims below resume its
    /// interrupted runs now instead of after their leases expire. When the store cannot be
    /// reached, the runs are resumed the usual way once their leases expire.
    func releaseInterruptedRuns(store: any RunQueue, owner: String) async {
        do {
            let released = try await store.releaseLeases(owner: owner, now: executor.now())
            guard !released.isEmpty else { return }
            logger.notice(
                "resuming runs this worker was executing when it stopped",
                metadata: ["worker": "\(owner)", "runs": "\(released.map(\.description).joined(separator: ","))"])
        } catch {
            logger.warning("could not take back interrupted runs at once; they resume when their leases expire", metadata: ["error": "\(error)"])
        }
    }
}

/// The runs a worker is executing, shared by its loop, its lease keeper and the runs themselves.
final class ActiveRuns: Sendable {
    private struct State {
        var running: Set<RunID> = []
        var stop: Set<RunID> = []
    }
    private let state = LockedValue(State())
    private let freed: AsyncStream<Void>.Continuation
    /// Yields when a run finishes (at most one pending signal).
    let slotFreed: AsyncStream<Void>

    init() {
        (slotFreed, freed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var ids: [RunID] { state.withLock { Array($0.running) } }
    var count: Int { state.withLock { $0.running.count } }
    func insert(_ id: RunID) { state.withLock { _ = $0.running.insert(id) } }
    func remove(_ id: RunID) {
        state.withLock {
            $0.running.remove(id); $0.stop.remove(id)
        }
        freed.yield()
    }
    func markStopRequested(_ ids: [RunID]) { state.withLock { $0.stop.formUnion(ids) } }
    /// A lease taken over by someone else: stop working on the run at the next step.
    func markLost(_ id: RunID) { state.withLock { _ = $0.stop.insert(id) } }
    func shouldStop(_ id: RunID) -> Bool { state.withLock { $0.stop.contains(id) } }
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    public var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
