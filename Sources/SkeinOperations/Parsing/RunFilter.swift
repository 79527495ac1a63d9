public import Foundation
public import SkeinCore

/// The run log's filters, read from `Inputs` — the same names on every front end:
/// `status` and `trigger` (each repeatable or comma-separated), `flow`, `from` and `to` (UTC
/// dates or times; `to` as a date is the whole day), `days` (how far back, when `from` is not
/// given), `has_warnings`, `unrecovered` (failed runs that no later replay or retry recovered;
/// it implies `status=failure`), `before` (the last run id of the previous page) and `limit`.
public enum RunFilter {
    /// The parameter names it reads.
    public static let names = ["status", "trigger", "flow", "from", "to", "days", "has_warnings", "unrecovered", "before", "limit"]
    public static let maximumLimit = 1000
    public static let maximumDays = 3650

    /// The query; `defaultLimit` when `limit` is not given. Every bad value is an
    /// `invalid_field` error naming it.
    public static func query(_ parameters: Inputs, now: Date, defaultLimit: Int = 50) throws(OperationError) -> RunQuery {
        let days = try parameters.int("days", in: 1...maximumDays)
        var since = try parameters.date("from")
        if since == nil, let days { since = now.addingTimeInterval(-Double(days) * 86_400) }
        var statuses = try parameters.values("status", as: RunStatus.self)
        let unrecovered = try parameters.bool("unrecovered") ?? false
        if unrecovered {
            guard statuses.isEmpty || statuses == [.failure] else {
                throw .invalid("unrecovered", "unrecovered lists failed runs only; drop status or use status=failure")
            }
            statuses = [.failure]
        }
        return RunQuery(
            flowID: parameters.string("flow"), statuses: statuses,
            triggers: try parameters.values("trigger", as: TriggerKind.self), since: since,
            until: try parameters.date("to", endOfDay: true), hasWarnings: try parameters.bool("has_warnings"),
            unrecovered: unrecovered,
            before: try parameters.id("before"), limit: try parameters.int("limit", in: 1...maximumLimit) ?? defaultLimit)
    }
}

/// The sync report's window, filters, sort and page, read from `Inputs` — the same names on
/// every front end: `status`, `system`, `flow` (each repeatable or comma-separated), `search`
/// (a sync id, or part of a reference or system), `days` (1–15, default 5) or `from`/`to`,
/// `sort` (a column), `order` (`asc`/`desc`; time columns sort descending by default), `limit`
/// and `after` (a page token from a previous page's `next`).
public enum SyncFilter {
    public static let names = ["status", "system", "flow", "search", "days", "from", "to", "sort", "order", "limit", "after"]
    /// The filters proper (what makes a mass resync match), without sort and paging.
    public static let filterNames = ["status", "system", "flow", "search", "from", "to"]
    public static let maximumLimit = 1000

    public static func query(_ parameters: Inputs, now: Date, defaultLimit: Int = 50) throws(OperationError) -> SyncQuery {
        if let problem = SyncQuery.searchProblem(parameters.string("search")) { throw .invalid("search", problem) }
        let days = try parameters.int("days", in: 1...SyncQuery.maximumDays) ?? SyncQuery.defaultDays
        let sortName = try parameters.choice("sort", SyncSortColumn.allCases.map(\.rawValue))
        let sort = sortName.flatMap(SyncSortColumn.init(rawValue:)) ?? .latestAttempt
        let descending = try parameters.choice("order", ["asc", "desc"]).map { $0 == "desc" } ?? (sort == .latestAttempt || sort == .firstAttempt)
        var query = SyncQuery(
            since: try parameters.date("from") ?? now.addingTimeInterval(-Double(days) * 86_400),
            until: try parameters.date("to", endOfDay: true), statuses: try parameters.values("status", as: SyncStatus.self),
            systems: parameters.list("system"), flowIDs: parameters.list("flow"), search: parameters.string("search"),
            sort: sort, descending: descending, limit: try parameters.int("limit", in: 1...maximumLimit) ?? defaultLimit)
        if let token = parameters.string("after") {
            guard let cursor = SyncCursor(token: token) else {
                throw .invalid("after", "after must be a page token from a previous answer's next")
            }
            query.after = cursor
        }
        return query
    }

    /// How many days the window covers when `from` is not given (for "last N days" captions).
    public static func days(_ parameters: Inputs) throws(OperationError) -> Int {
        try parameters.int("days", in: 1...SyncQuery.maximumDays) ?? SyncQuery.defaultDays
    }
}
