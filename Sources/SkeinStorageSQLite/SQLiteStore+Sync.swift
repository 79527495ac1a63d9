import Foundation
import GRDB
import SkeinCore
import SkeinJSON
public import SkeinStorage

extension SQLiteStore: SyncStore {
    static let syncColumns = """
        id, flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status, attempts,
        automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, payload_size
        """

    /// Inserts entries and their first transition; shared by `finishStep` (inside the step's
    /// transaction) and `insertSyncEntries`.
    /// Inserts `entries` with their payloads, already encoded by `encodeSyncPayloads` (outside the
    /// write, so serialising and compressing them never holds the single writer).
    static func insertSyncEntries(_ db: Database, _ entries: [NewSyncEntry], payloads: [PayloadCodec.Encoded], origin: SyncOrigin,
                                  now: Date) throws -> [SyncEntryID] {
        let entry = try db.cachedStatement(sql: """
            INSERT INTO sync_entries (flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status,
                attempts, automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, content_type,
                payload_size, payload_encoding, payload_data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let transition = try db.cachedStatement(sql: """
            INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason) VALUES (?, 1, ?, NULL, ?, ?)
            """)
        var ids: [SyncEntryID] = []
        ids.reserveCapacity(entries.count)
        for (new, encoded) in zip(entries, payloads) {
            let time = (new.attemptedAt ?? now).storageValue
            let item = new.item
            try entry.execute(arguments: [
                origin.flowID, origin.flowVersion, origin.runID, origin.shapeID, item.system, item.reference, item.sourceID,
                item.endpointID, new.status.rawValue, time, time, new.nextRetryAt?.storageValue, item.response ?? new.reason,
                item.payload.contentType, encoded.size, encoded.encoding, Data(encoded.data),
            ])
            let id = SyncEntryID(db.lastInsertedRowID)
            try transition.execute(arguments: [id, time, new.status.rawValue, new.reason])
            ids.append(id)
        }
        // The trigram index, in one statement for the whole batch (see SyncSchema.referenceOnlySearch).
        if let first = ids.first, let last = ids.last {
            try db.execute(sql: "INSERT INTO sync_search(rowid, reference) SELECT id, reference FROM sync_entries WHERE id BETWEEN ? AND ?",
                           arguments: [first, last])
        }
        return ids
    }

    public func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [SyncEntryID] {
        let payloads = SQLiteStore.encodeSyncPayloads(entries)
        return try await write { db in try SQLiteStore.insertSyncEntries(db, entries, payloads: payloads, origin: origin, now: now) }
    }

    static func encodeSyncPayloads(_ entries: [NewSyncEntry]) -> [PayloadCodec.Encoded] {
        entries.map { PayloadCodec.encode($0.item.payload) }
    }

    /// The SELECT of a query's entries in sort order after its cursor, without a LIMIT.
    static func syncSelect(_ query: SyncQuery, search: SyncSearch) -> (sql: String, arguments: [any DatabaseValueConvertible & Sendable]) {
        let column = SyncSQL.column(query.sort)
        var filter = SyncSQL.filter(query, includeStatus: true, search: search)
        SyncSQL.appendCursor(query, to: &filter)
        let direction = query.descending ? "DESC" : "ASC"
        // `+column` when the trigram index drives: sort the few matches rather than walk an index in order.
        let order = search.drivesQuery ? "+" : ""
        return ("SELECT \(SQLiteStore.syncColumns) FROM sync_entries WHERE \(filter.whereClause) "
            + "ORDER BY \(order)\(column) \(direction), id \(direction)", filter.arguments)
    }

    /// A search page found by walking the window in sort order: at most `budget` rows of the
    /// window (after the cursor, with the other filters) are tested against the term. Only for
    /// the latest-attempt sort, which an index walks; nil when the budget did not fill the page.
    static func scannedPage(_ db: Database, _ query: SyncQuery, search: SyncSearch, budget: Int) throws -> [SyncEntry]? {
        let limit = max(query.limit, 1)
        var window = SyncSQL.filter(query, includeStatus: true, search: .none)
        SyncSQL.appendCursor(query, to: &window)
        let matches = SyncSQL.searchClause(search)
        let column = SyncSQL.column(query.sort)
        let direction = query.descending ? "DESC" : "ASC"
        let sql = """
            SELECT \(SQLiteStore.syncColumns) FROM (
                SELECT * FROM sync_entries WHERE \(window.whereClause) ORDER BY \(column) \(direction), id \(direction) LIMIT ?
            ) WHERE \(matches.clause) ORDER BY \(column) \(direction), id \(direction) LIMIT ?
            """
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(window.arguments + [budget] + matches.arguments + [limit]))
        return rows.count == limit ? rows.map(SQLiteStore.syncEntry) : nil
    }

    /// How `query`'s search term is answered (the systems it names are looked up first).
    static func syncSearch(_ db: Database, _ query: SyncQuery) throws -> SyncSearch {
        guard let term = SyncSQL.searchTerm(query) else { return .none }
        let systems = try SyncSQL.systems(db, containing: term)
        return term.unicodeScalars.count >= 3 ? .trigram(term: term, systems: systems) : .scan(term: term, systems: systems)
    }

    public func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws {
        let size = max(batchSize, 1)
        try await read { db in
            let (sql, arguments) = SQLiteStore.syncSelect(query, search: try SQLiteStore.syncSearch(db, query))
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

    /// Rows of the window a search page tests before it asks the trigram index instead.
    static let searchScanBudget = 4000

    public func syncEntries(_ query: SyncQuery) async throws -> SyncPage {
        let limit = max(query.limit, 1)
        return try await read { db in
            let search = try SQLiteStore.syncSearch(db, query)
            var entries: [SyncEntry]
            // A common term (or a system's name) fills a page from the newest rows at once; only
            // a rarer one needs the trigram index, whose cost grows with the term's matches among
            // all entries rather than with the page.
            if search.drivesQuery, query.sort == .latestAttempt,
               let page = try SQLiteStore.scannedPage(db, query, search: search.scanning, budget: SQLiteStore.searchScanBudget) {
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
            let filter = SyncSQL.filter(query, includeStatus: false, search: try SQLiteStore.syncSearch(db, query))
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

    public func syncTransitions(entryID: SyncEntryID) async throws -> [SyncTransition] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT at, from_status, to_status, reason FROM sync_transitions WHERE entry_id = ? ORDER BY seq",
                             arguments: [entryID]).map { row in
                SyncTransition(at: Date(storageValue: row["at"]), from: (row["from_status"] as String?).flatMap(SyncStatus.init(rawValue:)),
                               to: SyncStatus(rawValue: row["to_status"]) ?? .failed, reason: row["reason"])
            }
        }
    }

    public func syncPayload(entryID: SyncEntryID) async throws -> Payload? {
        let stored = try await read { db -> (String, Int, String, Data)? in
            try Row.fetchOne(db, sql: "SELECT content_type, payload_size, payload_encoding, payload_data FROM sync_entries WHERE id = ?",
                             arguments: [entryID]).map { ($0["content_type"], $0["payload_size"], $0["payload_encoding"], $0["payload_data"]) }
        }
        guard let (contentType, size, encoding, data) = stored else { return nil }
        let bytes = try PayloadCodec.decode(encoding: encoding, data: [UInt8](data), size: size)
        do { return try Payload.received(bytes, contentType: contentType) } catch {
            throw StorageError(.corrupt, "the payload of sync entry \(entryID) is not valid JSON any more: \(error)")
        }
    }

    public func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry] {
        try await write { db in
            try Row.fetchAll(db, sql: """
                UPDATE sync_entries SET next_retry_at = ?
                WHERE id IN (SELECT id FROM sync_entries WHERE status = 'pending' AND next_retry_at <= ? ORDER BY next_retry_at LIMIT ?)
                RETURNING \(SQLiteStore.syncColumns)
                """, arguments: [leaseUntil.storageValue, now.storageValue, limit]).map(SQLiteStore.syncEntry)
        }
    }

    public func recordSyncAttempt(entryID: SyncEntryID, _ attempt: SyncAttempt, now: Date) async throws {
        try await write { db in
            guard let previous = try String.fetchOne(db, sql: "SELECT status FROM sync_entries WHERE id = ?", arguments: [entryID]) else {
                throw StorageError(.notFound, "no sync entry \(entryID)")
            }
            try db.execute(sql: """
                UPDATE sync_entries SET status = ?, attempts = attempts + 1,
                    automatic_retries = CASE WHEN ? THEN 0 ELSE automatic_retries + 1 END,
                    latest_attempt_at = ?, next_retry_at = ?, latest_response = ?,
                    endpoint_id = CASE WHEN ? IS NULL OR ? = '' THEN endpoint_id ELSE ? END
                WHERE id = ?
                """, arguments: [attempt.status.rawValue, attempt.manual, now.storageValue, attempt.nextRetryAt?.storageValue,
                                 attempt.response, attempt.endpointID, attempt.endpointID, attempt.endpointID, entryID])
            if previous != attempt.status.rawValue || attempt.manual {
                try SQLiteStore.addTransition(db, entryID: entryID, at: now, from: previous, to: attempt.status,
                                              reason: (attempt.manual ? "resync: " : "") + attempt.reason)
            }
        }
    }

    public func confirmSync(ids: [SyncEntryID], reason: String, now: Date) async throws -> [SyncEntryID] {
        try await write { db in
            var confirmed: [SyncEntryID] = []
            for id in ids {
                try db.execute(sql: "UPDATE sync_entries SET status = 'ok', latest_response = ? WHERE id = ? AND status = 'sent'",
                               arguments: [reason, id])
                guard db.changesCount == 1 else { continue }
                try SQLiteStore.addTransition(db, entryID: id, at: now, from: SyncStatus.sent.rawValue, to: .ok, reason: reason)
                confirmed.append(id)
            }
            return confirmed
        }
    }

    static func addTransition(_ db: Database, entryID: SyncEntryID, at: Date, from: String?, to: SyncStatus, reason: String) throws {
        try db.execute(sql: """
            INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason)
            VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_transitions WHERE entry_id = ?), ?, ?, ?, ?)
            """, arguments: [entryID, entryID, at.storageValue, from, to.rawValue, reason])
    }

    static func syncEntry(_ row: Row) -> SyncEntry {
        SyncEntry(
            id: row["id"], flowID: row["flow_id"], flowVersion: row["flow_version"], runID: row["run_id"], shapeID: row["shape_id"],
            system: row["system"], reference: row["reference"], sourceID: row["source_id"], endpointID: row["endpoint_id"],
            status: SyncStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"], automaticRetries: row["automatic_retries"],
            firstAttemptAt: Date(storageValue: row["first_attempt_at"]), latestAttemptAt: Date(storageValue: row["latest_attempt_at"]),
            nextRetryAt: row.date("next_retry_at"), latestResponse: row["latest_response"], payloadSize: row["payload_size"])
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// How a query's search term is answered.
enum SyncSearch {
    case none
    /// Each row of the window is tested with `reference LIKE` (terms under 3 characters, and a
    /// search page walked in time order).
    case scan(term: String, systems: [String])
    /// The trigram index finds the matching ids, which then drive the query.
    case trigram(term: String, systems: [String])

    var drivesQuery: Bool { if case .trigram = self { true } else { false } }

    /// The same search answered row by row.
    var scanning: SyncSearch {
        if case .trigram(let term, let systems) = self { .scan(term: term, systems: systems) } else { self }
    }
}

/// The SQL the sync queries share: column names and the WHERE clause of a query's window and filters.
enum SyncSQL {
    struct Filter {
        var clauses: [String]
        var arguments: [any DatabaseValueConvertible & Sendable]
        var whereClause: String { clauses.joined(separator: " AND ") }
    }

    static func column(_ sort: SyncSortColumn) -> String {
        switch sort {
        case .id: "id"
        case .flow: "flow_id"
        case .run: "run_id"
        case .step: "shape_id"
        case .system: "system"
        case .reference: "reference"
        case .sourceID: "source_id"
        case .endpointID: "endpoint_id"
        case .status: "status"
        case .attempts: "attempts"
        case .firstAttempt: "first_attempt_at"
        case .latestAttempt: "latest_attempt_at"
        }
    }

    static func filter(_ query: SyncQuery, includeStatus: Bool, search: SyncSearch) -> Filter {
        // With a trigram search the few matching ids drive the query: `+column` keeps SQLite
        // from walking a window index and testing each row against the matches instead.
        let p = search.drivesQuery ? "+" : ""
        var filter = Filter(clauses: ["\(p)latest_attempt_at >= ?"], arguments: [query.since.storageValue])
        if let until = query.until {
            filter.clauses.append("\(p)latest_attempt_at <= ?")
            filter.arguments.append(until.storageValue)
        }
        func list(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            filter.clauses.append("\(p)\(column) IN (\(placeholders(values.count)))")
            filter.arguments += values.map { $0 as any DatabaseValueConvertible & Sendable }
        }
        if includeStatus { list("status", query.statuses.map(\.rawValue)) }
        list("system", query.systems)
        list("flow_id", query.flowIDs)
        let matches = searchClause(search)
        if !matches.clause.isEmpty {
            filter.clauses.append(matches.clause)
            filter.arguments += matches.arguments
        }
        return filter
    }

    /// The keyset condition: rows after the cursor in sort order.
    static func appendCursor(_ query: SyncQuery, to filter: inout Filter) {
        guard let after = query.after else { return }
        filter.clauses.append("(\(column(query.sort)), id) \(query.descending ? "<" : ">") (?, ?)")
        filter.arguments += [databaseValue(after.value, for: query.sort), after.id]
    }

    /// The condition a search adds: the term in the reference, a system whose name contains it,
    /// or (all digits) the sync id itself.
    static func searchClause(_ search: SyncSearch) -> (clause: String, arguments: [any DatabaseValueConvertible & Sendable]) {
        var alternatives: [String] = []
        var arguments: [any DatabaseValueConvertible & Sendable] = []
        let term: String, systems: [String]
        switch search {
        case .none: return ("", [])
        case .scan(let text, let names):
            (term, systems) = (text, names)
            alternatives.append("reference LIKE ? ESCAPE '\\'")
            arguments.append("%" + likeEscaped(term) + "%")
        case .trigram(let text, let names):
            (term, systems) = (text, names)
            // The trigram index answers LIKE directly (several times faster than a phrase
            // MATCH); a term holding LIKE's wildcards is matched as an FTS5 phrase instead.
            if term.contains(where: { $0 == "%" || $0 == "_" }) {
                alternatives.append("id IN (SELECT rowid FROM sync_search WHERE sync_search MATCH ?)")
                arguments.append("reference : " + ftsPhrase(term))
            } else {
                alternatives.append("id IN (SELECT rowid FROM sync_search WHERE reference LIKE ?)")
                arguments.append("%" + term + "%")
            }
        }
        if !systems.isEmpty {
            alternatives.append("system IN (\(placeholders(systems.count)))")
            arguments += systems.map { $0 as any DatabaseValueConvertible & Sendable }
        }
        if let id = Int64(term) {
            // A number is a sync id, or part of a reference such as an order number.
            alternatives.append("id = ?")
            arguments.append(id)
        }
        return ("(" + alternatives.joined(separator: " OR ") + ")", arguments)
    }

    /// The distinct system names containing `term` (case-insensitive, like the search). The
    /// `(system, latest_attempt_at)` index is hopped from name to name, so this reads a few
    /// index pages per system, not the entries.
    static func systems(_ db: Database, containing term: String) throws -> [String] {
        let names = try String.fetchAll(db, sql: """
            WITH RECURSIVE names(name) AS (
                SELECT (SELECT min(system) FROM sync_entries)
                UNION ALL
                SELECT (SELECT min(system) FROM sync_entries WHERE system > names.name) FROM names WHERE names.name IS NOT NULL
            ) SELECT name FROM names WHERE name IS NOT NULL
            """)
        let needle = term.lowercased()
        return names.filter { $0.lowercased().contains(needle) }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    static func searchTerm(_ query: SyncQuery) -> String? {
        query.search?.trimmingCharacters(in: .whitespaces).nonEmpty
    }

    /// An FTS5 phrase matching `text` as a substring (with the trigram tokenizer).
    static func ftsPhrase(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }


    static func databaseValue(_ value: JSON, for sort: SyncSortColumn) -> any DatabaseValueConvertible & Sendable {
        switch value {
        case .number(let number):
            switch sort {
            case .id, .run, .attempts: return Int64(number)
            default: return number
            }
        case .string(let text): return text
        default: return value.serialized()
        }
    }
}
