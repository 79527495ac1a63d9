public import Foundation
public import SkeinCore
import SkeinStorage

/// Turns the items a send step reports into sync report entries, applying the status rule,
/// and says in one warning how many items could not be delivered.
///
/// A send step whose items fail does not fail: the other items were delivered and must not be
/// sent again by a step retry. Pending items are retried by `SyncRetryService`; Failed ones wait
/// for a resync. The warning marks the run so the problem is seen.
public struct SyncEntryMaker: Sendable {
    public var retryLimit: Int
    public var backoff: SyncBackoff

    public init(retryLimit: Int, backoff: SyncBackoff) {
        self.retryLimit = retryLimit
        self.backoff = backoff
    }

    public func entries(for items: [SyncItem], now: Date) -> (entries: [NewSyncEntry], warning: String?) {
        var pending = 0, failed = 0
        let entries = items.map { item -> NewSyncEntry in
            var (status, reason) = SyncStatusRule.status(after: item.outcome, automaticRetries: 0, retryLimit: retryLimit)
            if let note = item.note { reason += "; " + note }
            switch status {
            case .pending: pending += 1
            case .failed: failed += 1
            default: break
            }
            let next = status == .pending ? now.addingTimeInterval(backoff.seconds(retriesDone: 0, retryAfter: item.retryAfter)) : nil
            return NewSyncEntry(item: item, status: status, reason: reason, nextRetryAt: next)
        }
        var parts: [String] = []
        if pending > 0 { parts.append("\(pending) Pending (will be retried up to \(retryLimit) times)") }
        if failed > 0 { parts.append("\(failed) Failed") }
        let warning =
            parts.isEmpty
            ? nil
            : "\(pending + failed) of \(items.count) items were not accepted: " + parts.joined(separator: ", ") + "; see skein sync list"
        return (entries, warning)
    }
}
