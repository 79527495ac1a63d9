import Foundation
import SkeinCore
import SkeinStorage

/// Webhook identities in memory: flow → identity → the run it started and when it is forgotten.
/// The lock of `MemoryStore.transaction` makes a check and an insert one step.
struct WebhookIdentityTable {
    struct Entry {
        let runID: RunID
        let expiresAt: Date
    }

    var entries: [String: [String: Entry]] = [:]
}

extension MemoryStore: WebhookIdentityStore {
    public func enqueueOnce(_ run: NewRun, identity: String, expiresAt: Date, now: Date) async throws -> WebhookIntake {
        let payloads = run.input.map(StoredPayload.init)
        return try transaction { state in
            if let held = state.webhookIdentities.entries[run.flowID]?[identity], held.expiresAt > now {
                return .repeated(held.runID)
            }
            let record = state.runs.insert(run, payloads: payloads, status: .queued, owner: nil, leaseUntil: nil, now: now)
            state.webhookIdentities.entries[run.flowID, default: [:]][identity] = .init(runID: record.id, expiresAt: expiresAt)
            return .started(record)
        }
    }

    public func pruneExpiredWebhookIdentities(now: Date, limit: Int) async throws -> Int {
        try transaction { state in
            var deleted = 0
            for flowID in state.webhookIdentities.entries.keys.sorted() where deleted < max(1, limit) {
                for (identity, entry) in state.webhookIdentities.entries[flowID]! where deleted < max(1, limit) && entry.expiresAt <= now {
                    state.webhookIdentities.entries[flowID]![identity] = nil
                    deleted += 1
                }
                if state.webhookIdentities.entries[flowID]!.isEmpty { state.webhookIdentities.entries[flowID] = nil }
            }
            return deleted
        }
    }
}
