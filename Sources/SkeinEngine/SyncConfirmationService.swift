import Foundation
public import Logging
import ServiceLifecycle
import SkeinCore
import SkeinStorage

/// Moves Sent sync entries to OK when their destination confirms them, as a `Service` of
/// `skein serve` (the SFTP shape's acknowledgement files: docs/sync-reports.md).
///
/// Every `interval` it reads the Sent entries a page at a time, groups them by the step that
/// sent them, and asks that step (a `SyncConfirming` executor of the same flow version, with
/// the same instance) which are confirmed. Confirmations are stored (`confirmSync`, one
/// transition each with its reason) before the step tidies the destination's side, so a crash
/// in between never loses one. Steps without confirmation settings are skipped.
public struct SyncConfirmationService: Service {
    let resender: SyncResender
    let logger: Logger
    let interval: Duration
    let pageSize: Int

    public init(resender: SyncResender, logger: Logger, interval: Duration = .seconds(5), pageSize: Int = 1000) {
        self.resender = resender
        self.logger = logger
        self.interval = interval
        self.pageSize = pageSize
    }

    public func run() async throws {
        while ServicePacing.keepsRunning {
            do {
                _ = try await confirmDue()
            } catch {
                logger.error("sync confirmations could not be checked", metadata: ["error": "\(error)"])
            }
            await ServicePacing.pause(interval)
        }
    }

    /// One pass over every Sent entry; returns how many became OK.
    public func confirmDue() async throws -> Int {
        let store = resender.store
        var query = SyncQuery(since: .distantPast, statuses: [.sent], sort: .id, descending: false, limit: pageSize)
        var confirmed = 0
        var unconfirmable: Set<StepKey> = []
        while true {
            let page = try await store.syncEntries(query)
            let groups = Dictionary(grouping: page.entries) { StepKey(flowID: $0.flowID, flowVersion: $0.flowVersion, shapeID: $0.shapeID) }
            for (key, entries) in groups.sorted(by: { $0.key.description < $1.key.description }) where !unconfirmable.contains(key) {
                if Task.isShuttingDownGracefully { return confirmed }
                do {
                    guard let count = try await confirm(entries, sentBy: key) else {
                        unconfirmable.insert(key)
                        continue
                    }
                    confirmed += count
                } catch {
                    logger.warning(
                        "sync confirmations could not be checked",
                        metadata: ["step": "\(key)", "entries": "\(entries.count)", "error": "\(error)"])
                }
            }
            guard let next = page.next else { return confirmed }
            query.after = next
        }
    }

    /// Asks the step that sent `entries` which are confirmed; nil when that step cannot confirm.
    private func confirm(_ entries: [SyncEntry], sentBy key: StepKey) async throws -> Int? {
        let origin = SyncOrigin(flowID: key.flowID, flowVersion: key.flowVersion, runID: entries[0].runID, shapeID: key.shapeID)
        let (_, executor) = try await resender.step(origin)
        guard let confirming = executor as? any SyncConfirming, confirming.checksConfirmations else { return nil }
        let context = ShapeContext(runID: origin.runID, flowID: key.flowID, shapeID: key.shapeID, instances: resender.instances)
        let items = entries.map { SentItem(entryID: $0.id, endpointID: $0.endpointID, reference: $0.reference) }
        let store = resender.store
        let now = resender.now
        let logger = logger
        return try await confirming.confirm(items, context: context) { confirmations in
            // Entries with the same reason share one store call.
            for (reason, ids) in Dictionary(grouping: confirmations, by: \.value) {
                let done = try await store.confirmSync(ids: ids.map(\.key).sorted(), reason: reason, now: now())
                for id in done { logger.info("sync entry confirmed", metadata: ["sync.id": "\(id)", "reason": "\(reason)"]) }
            }
        }
    }

    struct StepKey: Hashable, CustomStringConvertible {
        var flowID: String
        var flowVersion: Int
        var shapeID: String
        var description: String { "\(flowID) v\(flowVersion) \(shapeID)" }
    }
}
