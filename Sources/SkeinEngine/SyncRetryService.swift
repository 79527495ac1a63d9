public import Foundation
public import Logging
import ServiceLifecycle
import SkeinCore
import SkeinStorage

/// Retries Pending sync entries as a `Service` of `skein serve`.
///
/// Every `interval` it claims the entries whose retry is due (a claim pushes their retry time
/// forward by `claimFor`, so two processes never retry the same entry at once) and sends each
/// again. The flow's `sync_retries` (4 by default) bounds automatic retries; the wait doubles
/// from the backoff's base; an entry out of retries becomes Failed.
public struct SyncRetryService: Service {
    let resender: SyncResender
    let logger: Logger
    let interval: Duration
    let batch: Int
    let claimFor: TimeInterval

    public init(
        resender: SyncResender, logger: Logger, interval: Duration = .seconds(1), batch: Int = 100,
        claimFor: TimeInterval = 300
    ) {
        self.resender = resender
        self.logger = logger
        self.interval = interval
        self.batch = batch
        self.claimFor = claimFor
    }

    public func run() async throws {
        while ServicePacing.keepsRunning {
            do {
                let retried = try await retryDue()
                if retried > 0 { continue }
            } catch {
                logger.error("sync retries could not run", metadata: ["error": "\(error)"])
            }
            await ServicePacing.pause(interval)
        }
    }

    /// Retries the entries due now; returns how many it retried.
    public func retryDue() async throws -> Int {
        let now = resender.now()
        let due = try await resender.store.claimDueSyncRetries(now: now, limit: batch, leaseUntil: now.addingTimeInterval(claimFor))
        for entry in due {
            if Task.isShuttingDownGracefully { break }
            do {
                try await resender.resend(id: entry.id, manual: false)
            } catch {
                logger.error("sync retry failed", metadata: ["sync.id": "\(entry.id)", "error": "\(error)"])
            }
        }
        return due.count
    }
}
