import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The sync report's window, filters, sort and page, read from query parameters (`GET /sync`,
/// `/sync/counts`, `/sync/csv`) or from a resync body's `filter` object — the same names as
/// `skein sync list`: status, system, flow (each repeatable or comma-separated), search,
/// days (1–15, default 5) or from/to, sort, order (asc/desc), limit, after (a page token).
enum SyncFilter {
    static func query(_ query: Query, now: Date) throws -> SyncQuery {
        if let problem = SyncQuery.searchProblem(query.string("search")) { throw APIError.invalid("search", problem) }
        let days = try query.int("days", in: 1...SyncQuery.maximumDays) ?? SyncQuery.defaultDays
        let sort = try query.choice("sort", SyncSortColumn.allCases.map(\.rawValue)).flatMap(SyncSortColumn.init(rawValue:)) ?? .latestAttempt
        let descending = try query.choice("order", ["asc", "desc"]).map { $0 == "desc" } ?? (sort == .latestAttempt || sort == .firstAttempt)
        var result = SyncQuery(since: try query.date("from") ?? now.addingTimeInterval(-Double(days) * 86400),
                               until: try query.date("to", endOfDay: true), statuses: try query.values("status", as: SyncStatus.self),
                               systems: query.list("system"), flowIDs: query.list("flow"), search: query.string("search").flatMap { $0.isEmpty ? nil : $0 },
                               sort: sort, descending: descending, limit: try query.int("limit", in: 1...1000) ?? 50)
        if let token = query.string("after") {
            guard let cursor = SyncCursor(token: token) else { throw APIError.invalid("after", "after must be a page token from a previous answer's next") }
            result.after = cursor
        }
        return result
    }

    /// A resync body's `filter` object as query parameters.
    static func query(_ filter: JSON.Object, now: Date) throws -> SyncQuery {
        var parameters: [String: [String]] = [:]
        for (key, value) in filter {
            switch value {
            case .string(let text): parameters[key] = [text]
            case .number(let number):
                guard number == number.rounded(), abs(number) < 1e15 else { throw APIError.invalid("filter.\(key)", "filter.\(key) must be a whole number") }
                parameters[key] = [String(Int(number))]
            case .array(let items):
                parameters[key] = try items.map { item in
                    guard case .string(let text) = item else { throw APIError.invalid("filter.\(key)", "filter.\(key) must hold strings") }
                    return text
                }
            case .null: continue
            default: throw APIError.invalid("filter.\(key)", "filter.\(key) must be a string or a list of strings")
            }
        }
        return try query(Query(parameters: parameters), now: now)
    }
}
