import Foundation
import GRDB
import SkeinCore
import SkeinJSON
public import SkeinStorage

/// Reading the sync report: pages (planned by `SyncSearch`), streams, counts, one entry with its
/// history and payload. Each call reads one snapshot.
extension SQLiteStore: SyncReportReader {
    public func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws {
        let size = max(batchSize, 1)
        try await read { db in
            let (sql, arguments) = SQLiteStore.syncSelect(query, search: try SyncSearch.plan(db, query))
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            var batch: [SyncEntry] = []
            batch.reserveCapacity(size)
            while let row = try cursor.next() {
                batch.append(SQLiteStore.syncEntry(row))
                if batch.count == size {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func syncEntries(_ query: SyncQuery) async throws -> SyncPage {
        let limit = max(query.limit, 1)
        return try await read { db in
            let search = try SyncSearch.plan(db, query)
            var entries: [SyncEntry]
            // A common term (or a system's name) fills a page from the newest rows at once; only
            // a rarer one needs the trigram index, whose cost grows with the term's matches among
            // all entries rather than with the page.
            if search.drivesQuery, query.sort == .latestAttempt,
                let page = try SQLiteStore.scannedPage(db, query, search: search.scanning, budget: SyncSearch.scanBudget)
            {
                entries = page
            } else {
                let select = SQLiteStore.syncSelect(query, search: search)
                entries = try Row.fetchAll(db, sql: select.sql + " LIMIT ?", arguments: StatementArguments(select.arguments + [limit]))
                    .map(SQLiteStore.syncEntry)
            }
            let next = entries.count == limit ? entries.last.map { SyncCursor(after: $0, sortedBy: query.sort) } : nil
            return SyncPage(entries: entries, next: next)
        }
    }

    public func syncCounts(_ query: SyncQuery) async throws -> [SyncStatus: Int] {
        return try await read { db in
            let filter = SyncSQL.filter(query, includeStatus: false, search: try SyncSearch.plan(db, query))
            var counts: [SyncStatus: Int] = [:]
            for status in SyncStatus.allCases { counts[status] = 0 }
            // One count per status uses the (status, latest_attempt_at) index as a range scan.
            for status in SyncStatus.allCases {
                let sql = "SELECT count(*) FROM sync_entries WHERE status = ? AND \(filter.whereClause)"
                counts[status] = try Int.fetchOne(db, sql: sql, arguments: StatementArguments([status.rawValue] + filter.arguments)) ?? 0
            }
            return counts
        }
    }

    public func syncEntry(id: SyncEntryID) async throws -> SyncEntry? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteStore.syncColumns) FROM sync_entries WHERE id = ?", arguments: [id])
                .map(SQLiteStore.syncEntry)
        }
    }

    public func syncOrigin(id: SyncEntryID) async throws -> SyncOrigin? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT flow_id, flow_version, run_id, shape_id FROM sync_entries WHERE id = ?", arguments: [id]).map {
                SyncOrigin(flowID: $0["flow_id"], flowVersion: $0["flow_version"], runID: $0["run_id"], shapeID: $0["shape_id"])
            }
        }
    }

    public func syncAttempts(entryID: SyncEntryID) async throws -> [SyncAttemptRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, status, reason, response, endpoint_id, manual FROM sync_attempts WHERE entry_id = ? ORDER BY seq
                    """, arguments: [entryID]
            ).map { row in
                SyncAttemptRecord(
                    number: row["seq"], at: Date(storageValue: row["at"]), status: SyncStatus(rawValue: row["status"]) ?? .failed,
                    reason: row["reason"], response: row["response"], endpointID: row["endpoint_id"], manual: row["manual"])
            }
        }
    }

    public func syncTransitions(entryID: SyncEntryID) async throws -> [SyncTransition] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, from_status, to_status, reason FROM sync_transitions WHERE entry_id = ? ORDER BY seq",
                arguments: [entryID]
            ).map { row in
                SyncTransition(
                    at: Date(storageValue: row["at"]), from: (row["from_status"] as String?).flatMap(SyncStatus.init(rawValue:)),
                    to: SyncStatus(rawValue: row["to_status"]) ?? .failed, reason: row["reason"])
            }
        }
    }

    public func syncPayload(entryID: SyncEntryID) async throws -> Payload? {
        let stored = try await read { db -> (String, Int, String, Data)? in
            try Row.fetchOne(
                db, sql: "SELECT content_type, payload_size, payload_encoding, payload_data FROM sync_entries WHERE id = ?",
                arguments: [entryID]
            ).map { ($0["content_type"], $0["payload_size"], $0["payload_encoding"], $0["payload_data"]) }
        }
        guard let (contentType, size, encoding, data) = stored else { return nil }
        let bytes = try PayloadCodec.decode(encoding: encoding, data: [UInt8](data), size: size)
        do { return try Payload.received(bytes, contentType: contentType) } catch {
            throw StorageError(.corrupt, "the payload of sync entry \(entryID) is not valid JSON any more: \(error)")
        }
    }
}
