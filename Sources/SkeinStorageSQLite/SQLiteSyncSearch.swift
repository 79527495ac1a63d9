import Foundation
import GRDB
import SkeinCore

/// The sync report's search planner: how a query's search term is answered.
///
/// A term is a sync id (all digits), a substring of the reference (through the FTS5 trigram
/// index from three characters on, else `LIKE` row by row), or part of a system's name (the
/// few distinct names are read first and matched here). A common term fills a page from the
/// newest rows at once (`scannedPage`); only a rarer one needs the trigram index, whose cost
/// grows with the term's matches among all entries rather than with the page.
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

    /// Rows of the window a search page tests before it asks the trigram index instead.
    static let scanBudget = 4000

    /// How `query`'s search term is answered (the systems it names are looked up first): terms of
    /// three characters or more through the trigram index, shorter ones row by row.
    static func plan(_ db: Database, _ query: SyncQuery) throws -> SyncSearch {
        guard let term = SyncSQL.searchTerm(query) else { return .none }
        let systems = try systems(db, containing: term)
        return term.unicodeScalars.count >= 3 ? .trigram(term: term, systems: systems) : .scan(term: term, systems: systems)
    }

    /// The distinct system names containing `term` (case-insensitive, like the search). The
    /// `(system, latest_attempt_at)` index is hopped from name to name, so this reads a few
    /// index pages per system, not the entries.
    static func systems(_ db: Database, containing term: String) throws -> [String] {
        let names = try String.fetchAll(
            db,
            sql: """
                WITH RECURSIVE names(name) AS (
                    SELECT (SELECT min(system) FROM sync_entries)
                    UNION ALL
                    SELECT (SELECT min(system) FROM sync_entries WHERE system > names.name) FROM names WHERE names.name IS NOT NULL
                ) SELECT name FROM names WHERE name IS NOT NULL
                """)
        let needle = term.lowercased()
        return names.filter { $0.lowercased().contains(needle) }
    }
}

extension SQLiteStore {
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
}
