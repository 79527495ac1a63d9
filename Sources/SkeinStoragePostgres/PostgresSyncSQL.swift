import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The SQL the sync report's queries share: the window and filters, the search, the sort and
/// the keyset cursor.
enum PostgresSyncSQL {
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

    /// The query's entries in sort order after its cursor, without a LIMIT.
    static func select(_ query: SyncQuery) -> SQLStatement {
        var statement = SQLStatement()
        var clauses = [filter(query, includeStatus: true, into: &statement)]
        let column = column(query.sort)
        if let after = query.after {
            let value: String
            switch (query.sort, after.value) {
            case (.id, .number(let number)), (.run, .number(let number)), (.attempts, .number(let number)):
                value = statement.bind(Int64(number))
            case (_, .number(let number)): value = statement.bind(number)
            case (_, .string(let text)): value = statement.bind(text)
            default: value = statement.bind(after.value.serialized())
            }
            clauses.append("(\(column), id) \(query.descending ? "<" : ">") (\(value), \(statement.bind(after.id)))")
        }
        let direction = query.descending ? "DESC" : "ASC"
        statement.text =
            "SELECT \(PostgresStore.syncColumns) FROM sync_entries WHERE \(clauses.joined(separator: " AND ")) "
            + "ORDER BY \(column) \(direction), id \(direction)"
        return statement
    }

    /// The WHERE clause of the query's window and filters, binding its values into `statement`.
    /// A search is a sync id (all digits) or a case-insensitive substring of the reference or
    /// the system; `ILIKE '%…%'` is answered by the pg_trgm indexes from three characters on.
    static func filter(_ query: SyncQuery, includeStatus: Bool, into statement: inout SQLStatement) -> String {
        var clauses = ["latest_attempt_at >= \(statement.bind(query.since.pgValue))"]
        if let until = query.until { clauses.append("latest_attempt_at <= \(statement.bind(until.pgValue))") }
        if includeStatus && !query.statuses.isEmpty { clauses.append("status = ANY(\(statement.bind(query.statuses.map(\.rawValue))))") }
        // Systems compare case-insensitively (`erp` finds `ERP`).
        if !query.systems.isEmpty { clauses.append("lower(system) = ANY(\(statement.bind(query.systems.map { $0.lowercased() })))") }
        if !query.flowIDs.isEmpty { clauses.append("flow_id = ANY(\(statement.bind(query.flowIDs)))") }
        if let runID = query.runID { clauses.append("run_id = \(statement.bind(runID))") }
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = statement.bind("%" + likeEscaped(search) + "%")
            var alternatives = ["reference ILIKE \(pattern)"]
            // As in SQLite: a short number matches ids and references; otherwise the system too.
            if Int64(search) == nil || search.unicodeScalars.count >= 3 { alternatives.append("system ILIKE \(pattern)") }
            if let id = Int64(search) { alternatives.insert("id = \(statement.bind(id))", at: 0) }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        return clauses.joined(separator: " AND ")
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

}
