import Foundation
import GRDB
import SkeinCore
import SkeinJSON

/// The sync report's SQL: the columns an entry is read from, the SELECT of a query's window in
/// sort order after its cursor, and the WHERE clauses its filters and search add (`SyncSQL`).
/// What a search term becomes is planned by `SyncSearch`.
extension SQLiteStore {
    static let syncColumns = """
        id, flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status, attempts,
        automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, payload_size
        """

    /// The SELECT of a query's entries in sort order after its cursor, without a LIMIT.
    static func syncSelect(_ query: SyncQuery, search: SyncSearch) -> (sql: String, arguments: [any DatabaseValueConvertible & Sendable]) {
        let column = SyncSQL.column(query.sort)
        var filter = SyncSQL.filter(query, includeStatus: true, search: search)
        SyncSQL.appendCursor(query, to: &filter)
        let direction = query.descending ? "DESC" : "ASC"
        // `+column` when the trigram index drives: sort the few matches rather than walk an index in order.
        let order = search.drivesQuery ? "+" : ""
        return (
            "SELECT \(SQLiteStore.syncColumns) FROM sync_entries WHERE \(filter.whereClause) "
                + "ORDER BY \(order)\(column) \(direction), id \(direction)", filter.arguments
        )
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
        // Systems compare case-insensitively (`erp` finds `ERP`; SQLite's NOCASE folds ASCII letters).
        if !query.systems.isEmpty {
            filter.clauses.append("\(p)system COLLATE NOCASE IN (\(placeholders(query.systems.count)))")
            filter.arguments += query.systems.map { $0 as any DatabaseValueConvertible & Sendable }
        }
        list("flow_id", query.flowIDs)
        if let runID = query.runID {
            filter.clauses.append("run_id = ?")
            filter.arguments.append(runID.rawValue)
        }
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
