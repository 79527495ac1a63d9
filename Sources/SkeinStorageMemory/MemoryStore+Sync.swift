import Foundation
import SkeinCore
import SkeinStorage

/// The sync report: entries with their payload as sent and their status history.
struct SyncTables {
    struct Row {
        var entry: SyncEntry
        var payload: StoredPayload
        var transitions: [SyncTransition]
        var attempts: [SyncAttemptRecord] = []
    }

    var nextID: Int64 = 1
    var rows: [SyncEntryID: Row] = [:]
    /// The delivery ledger: each key's row and when it last changed.
    var deliveries: [DeliveryKey: (row: DeliveryLedgerRule.Row, updatedAt: Date)] = [:]

    /// Links an accepted delivery to the entry that records it.
    mutating func linkDelivery(_ key: DeliveryKey, claimant: DeliveryClaimant, entryID: SyncEntryID) {
        guard var current = deliveries[key], current.row.delivered?.claimant == claimant else { return }
        current.row.delivered?.entryID = entryID
        deliveries[key] = current
    }

    /// Inserts entries with their first transition; `payloads` are the entries' payloads, encoded.
    mutating func insert(_ entries: [NewSyncEntry], payloads: [StoredPayload], origin: SyncOrigin, now: Date) -> [SyncEntryID] {
        zip(entries, payloads).map { new, payload in
            let id = SyncEntryID(nextID)
            nextID += 1
            let time = storedTime(new.attemptedAt ?? now)
            let item = new.item
            let entry = SyncEntry(
                id: id, flowID: origin.flowID, flowVersion: origin.flowVersion, runID: origin.runID, shapeID: origin.shapeID,
                system: item.system, reference: item.reference, sourceID: item.sourceID, endpointID: item.endpointID,
                status: new.status, attempts: 1, automaticRetries: 0, firstAttemptAt: time, latestAttemptAt: time,
                nextRetryAt: new.nextRetryAt.map(storedTime), latestResponse: item.response ?? new.reason,
                payloadSize: payload.encoded.size)
            rows[id] = Row(
                entry: entry, payload: payload, transitions: [SyncTransition(at: time, from: nil, to: new.status, reason: new.reason)],
                attempts: [
                    SyncAttemptRecord(
                        number: 1, at: time, status: new.status, reason: new.reason,
                        response: SyncAttemptRecord.excerpt(item.response ?? new.reason), endpointID: item.endpointID, manual: false)
                ])
            if new.status == .ok, let key = item.delivery {
                linkDelivery(key, claimant: DeliveryClaimant(runID: origin.runID, shapeID: origin.shapeID), entryID: id)
            }
            return id
        }
    }

    /// The entries of `query`'s window and filters after its cursor, in its sort order.
    func matching(_ query: SyncQuery, includeStatus: Bool = true, afterCursor: Bool = true) -> [SyncEntry] {
        let filter = SyncReportFilter(query, includeStatus: includeStatus)
        var entries = rows.values.lazy.map(\.entry).filter(filter.matches)
        let order = SyncReportOrder(query)
        if afterCursor, let cursor = query.after { entries = entries.filter { order.isAfter($0, cursor) } }
        return entries.sorted(by: order.precedes)
    }
}

extension MemoryStore: SyncReportReader {
    public func syncEntries(_ query: SyncQuery) async throws -> SyncPage {
        let limit = max(query.limit, 1)
        let entries = try transaction { state in Array(state.sync.matching(query).prefix(limit)) }
        let next = entries.count == limit ? entries.last.map { SyncCursor(after: $0, sortedBy: query.sort) } : nil
        return SyncPage(entries: entries, next: next)
    }

    /// One snapshot taken under the lock, handed to `body` outside it.
    public func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws {
        let entries = try transaction { state in state.sync.matching(query) }
        let size = max(batchSize, 1)
        for start in stride(from: 0, to: entries.count, by: size) { try body(Array(entries[start..<min(start + size, entries.count)])) }
    }

    public func syncCounts(_ query: SyncQuery) async throws -> [SyncStatus: Int] {
        try transaction { state in
            var counts = Dictionary(uniqueKeysWithValues: SyncStatus.allCases.map { ($0, 0) })
            for entry in state.sync.matching(query, includeStatus: false, afterCursor: false) { counts[entry.status, default: 0] += 1 }
            return counts
        }
    }

    public func syncEntry(id: SyncEntryID) async throws -> SyncEntry? {
        try transaction { state in state.sync.rows[id]?.entry }
    }

    public func syncOrigin(id: SyncEntryID) async throws -> SyncOrigin? {
        try transaction { state in
            state.sync.rows[id].map { SyncOrigin(flowID: $0.entry.flowID, flowVersion: $0.entry.flowVersion, runID: $0.entry.runID, shapeID: $0.entry.shapeID) }
        }
    }

    public func syncTransitions(entryID: SyncEntryID) async throws -> [SyncTransition] {
        try transaction { state in state.sync.rows[entryID]?.transitions ?? [] }
    }

    public func syncAttempts(entryID: SyncEntryID) async throws -> [SyncAttemptRecord] {
        try transaction { state in state.sync.rows[entryID]?.attempts ?? [] }
    }

    public func syncPayload(entryID: SyncEntryID) async throws -> Payload? {
        guard let stored = try transaction({ state in state.sync.rows[entryID]?.payload }) else { return nil }
        let bytes = try PayloadCodec.decode(encoding: stored.encoded.encoding, data: stored.encoded.data, size: stored.encoded.size)
        do { return try Payload.received(bytes, contentType: stored.contentType) } catch {
            throw StorageError(.corrupt, "the payload of sync entry \(entryID) is not valid JSON any more: \(error)")
        }
    }
}

extension MemoryStore: SyncReportWriter {
    public func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [SyncEntryID] {
        let payloads = entries.map { StoredPayload($0.item.payload) }
        return try transaction { state in state.sync.insert(entries, payloads: payloads, origin: origin, now: now) }
    }

    public func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry] {
        try transaction { state in
            let due = state.sync.rows.values.map(\.entry).filter { entry in
                entry.status == .pending && (entry.nextRetryAt.map { $0.timeIntervalSince1970 <= now.timeIntervalSince1970 } ?? false)
            }.sorted { ($0.nextRetryAt!.timeIntervalSince1970, $0.id) < ($1.nextRetryAt!.timeIntervalSince1970, $1.id) }.prefix(max(0, limit))
            return due.map { entry in
                state.sync.rows[entry.id]!.entry.nextRetryAt = storedTime(leaseUntil)
                return state.sync.rows[entry.id]!.entry
            }
        }
    }

    public func recordSyncAttempt(entryID: SyncEntryID, _ attempt: SyncAttempt, now: Date) async throws {
        try transaction { state in
            guard var row = state.sync.rows[entryID] else { throw StorageError(.notFound, "no sync entry \(entryID)") }
            let previous = row.entry.status
            row.entry.status = attempt.status
            row.entry.attempts += 1
            row.entry.automaticRetries = attempt.manual ? 0 : row.entry.automaticRetries + 1
            row.entry.latestAttemptAt = storedTime(now)
            row.entry.nextRetryAt = attempt.nextRetryAt.map(storedTime)
            row.entry.latestResponse = attempt.response
            if let endpointID = attempt.endpointID, !endpointID.isEmpty { row.entry.endpointID = endpointID }
            row.attempts.append(
                SyncAttemptRecord(
                    number: row.attempts.count + 1, at: storedTime(now), status: attempt.status,
                    reason: (attempt.manual ? "resync: " : "") + attempt.reason,
                    response: SyncAttemptRecord.excerpt(attempt.response), endpointID: attempt.endpointID ?? "",
                    manual: attempt.manual))
            if previous != attempt.status || attempt.manual {
                row.transitions.append(
                    SyncTransition(
                        at: storedTime(now), from: previous, to: attempt.status,
                        reason: (attempt.manual ? "resync: " : "") + attempt.reason))
            }
            state.sync.rows[entryID] = row
            if attempt.status == .ok, let key = attempt.delivery {
                state.sync.linkDelivery(key, claimant: DeliveryClaimant(runID: row.entry.runID, shapeID: row.entry.shapeID), entryID: entryID)
            }
        }
    }

    public func confirmSync(ids: [SyncEntryID], reason: String, now: Date) async throws -> [SyncEntryID] {
        try transaction { state in
            ids.filter { id in
                guard var row = state.sync.rows[id], row.entry.status == .sent else { return false }
                row.entry.status = .ok
                row.entry.latestResponse = reason
                row.transitions.append(SyncTransition(at: storedTime(now), from: .sent, to: .ok, reason: reason))
                state.sync.rows[id] = row
                return true
            }
        }
    }
}
