public import Foundation
public import Logging
public import ServiceLifecycle
import SkeinCore
import SkeinInstrumentation
public import SkeinStorage

/// Deletes old run logs and payloads as a `Service`, so the database does not grow forever.
///
/// Run logs and payloads have separate ages (payloads are most of the bytes, logs are what
/// people search), e.g. logs for 7 days and payloads for 3: a run between the two ages still
/// lists and shows its steps, marked "payloads expired". Deletion happens in small batches,
/// one short transaction each with a pause between, so workers writing steps are never held
/// up for long. Runs still queued or started are never pruned, however old.
public struct RetentionService: Service {
    public struct Policy: Sendable {
        /// How long run logs (runs and steps) are kept; nil keeps them forever.
        public var keepRuns: Duration?
        /// How long payloads are kept; nil keeps them as long as their run.
        public var keepPayloads: Duration?
        /// How long the delivery ledger keeps a reference nothing claimed or delivered since;
        /// nil keeps it forever. After that, identical content is sent again (`deliver: if_changed`).
        public var keepDeliveries: Duration?
        /// Rows deleted per transaction.
        public var batchSize: Int
        /// Pause between two batches, so other writers get the database.
        public var pause: Duration
        /// Time between two pruning passes.
        public var interval: Duration

        public init(
            keepRuns: Duration? = .seconds(7 * 86400), keepPayloads: Duration? = .seconds(3 * 86400),
            keepDeliveries: Duration? = .seconds(30 * 86400), batchSize: Int = 500,
            pause: Duration = .milliseconds(50), interval: Duration = .seconds(600)
        ) {
            self.keepRuns = keepRuns
            self.keepDeliveries = keepDeliveries
            self.keepPayloads = keepPayloads
            self.batchSize = batchSize
            self.pause = pause
            self.interval = interval
        }
    }

    /// What one pass deleted.
    public struct Pruned: Sendable, Equatable {
        public var runs: Int
        public var payloads: Int
        /// De-dupe pool keys past their pool's retention, and cache entries past their expiry.
        public var poolKeys: Int
        public var cacheEntries: Int
        /// Delivery ledger rows untouched for `keepDeliveries`.
        public var deliveries: Int = 0
        /// Webhook delivery identities (`dedupe:`) whose window ended.
        public var webhookIdentities: Int = 0
        /// Used one-time action tokens (the web UI's recovery forms) whose memory ended.
        public var actionTokens: Int = 0

        public init(runs: Int, payloads: Int, poolKeys: Int = 0, cacheEntries: Int = 0) {
            self.runs = runs
            self.payloads = payloads
            self.poolKeys = poolKeys
            self.cacheEntries = cacheEntries
        }
    }

    let store: any RetentionStore
    let policy: Policy
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: any RetentionStore, policy: Policy, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pruned = try await pruneOnce()
                    if pruned.runs + pruned.payloads + pruned.poolKeys + pruned.cacheEntries > 0 {
                        logger.info(
                            "pruned old run logs and payloads",
                            metadata: [
                                "runs": "\(pruned.runs)", "payloads": "\(pruned.payloads)", "pool_keys": "\(pruned.poolKeys)",
                                "cache_entries": "\(pruned.cacheEntries)",
                            ])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("pruning failed; will try again", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: policy.interval)
            }
        }
    }

    /// One pass: payloads past their age first, then runs past theirs, batch by batch until
    /// nothing old is left.
    public func pruneOnce() async throws -> Pruned {
        var pruned = Pruned(runs: 0, payloads: 0)
        let start = now()
        if let keep = policy.keepPayloads {
            let cutoff = start.addingTimeInterval(-keep.seconds)
            pruned.payloads = try await inBatches { try await store.prunePayloads(olderThan: cutoff, limit: $0) }
        }
        if let keep = policy.keepRuns {
            let cutoff = start.addingTimeInterval(-keep.seconds)
            pruned.runs = try await inBatches { try await store.pruneRuns(olderThan: cutoff, limit: $0) }
        }
        pruned.poolKeys = try await inBatches { try await store.pruneExpiredPoolKeys(now: start, limit: $0) }
        pruned.cacheEntries = try await inBatches { try await store.pruneExpiredCacheEntries(now: start, limit: $0) }
        if let keep = policy.keepDeliveries, let ledger = store as? any DeliveryLedgerStore {
            let cutoff = start.addingTimeInterval(-keep.seconds)
            pruned.deliveries = try await inBatches { try await ledger.pruneDeliveries(olderThan: cutoff, limit: $0) }
        }
        if let identities = store as? any WebhookIdentityStore {
            pruned.webhookIdentities = try await inBatches { try await identities.pruneExpiredWebhookIdentities(now: start, limit: $0) }
        }
        if let tokens = store as? any ActionTokenStore {
            pruned.actionTokens = try await inBatches { try await tokens.pruneExpiredActionTokens(now: start, limit: $0) }
        }
        SkeinMetric.retentionDeleted.increment("runs", by: pruned.runs)
        SkeinMetric.retentionDeleted.increment("payloads", by: pruned.payloads)
        SkeinMetric.retentionDeleted.increment("pool_keys", by: pruned.poolKeys)
        SkeinMetric.retentionDeleted.increment("cache_entries", by: pruned.cacheEntries)
        SkeinMetric.retentionDeleted.increment("webhook_identities", by: pruned.webhookIdentities)
        SkeinMetric.retentionDeleted.increment("action_tokens", by: pruned.actionTokens)
        return pruned
    }

    private func inBatches(_ batch: (Int) async throws -> Int) async throws -> Int {
        let size = max(1, policy.batchSize)
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await batch(size)
            total += deleted
            if deleted < size { return total }
            try await Task.sleep(for: policy.pause)
        }
    }
}
