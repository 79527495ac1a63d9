import Foundation
import SkeinCore
import SkeinStorage

/// The sync report's filters as the page, the CSV link and the resync form carry them
/// (query parameters or hidden form fields of the same names).
struct SyncFilters: Sendable {
    var search: String?
    var status: SyncStatus?
    var system: String?
    var flow: String?
    var days = SyncQuery.defaultDays
    var sort = SyncSortColumn.latestAttempt
    var descending = true

    init(_ value: (String) -> String?) {
        func text(_ name: String) -> String? { value(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        search = text("search")
        status = text("status").flatMap { SyncStatus(rawValue: $0.lowercased()) }
        system = text("system")
        flow = text("flow")
        if let asked = text("days").flatMap(Int.init) { days = min(max(asked, 1), SyncQuery.maximumDays) }
        if let column = text("sort").flatMap(SyncSortColumn.init(rawValue:)) { sort = column }
        descending = text("dir").map { $0 != "asc" } ?? (sort == .latestAttempt || sort == .firstAttempt)
    }

    /// 400 `invalid_field` when a filter is beyond the report's limits (a search term too long).
    func check() throws(APIError) {
        if let problem = SyncQuery.searchProblem(search) { throw APIError.invalid("search", problem) }
    }

    func query(now: Date, limit: Int = 50, after: SyncCursor? = nil) -> SyncQuery {
        SyncQuery(since: now.addingTimeInterval(-Double(days) * 86_400), statuses: status.map { [$0] } ?? [],
                  systems: system.map { [$0] } ?? [], flowIDs: flow.map { [$0] } ?? [], search: search,
                  sort: sort, descending: descending, after: after, limit: limit)
    }

    /// The filters (and sort) as parameters, for links and hidden fields.
    var parameters: [(String, String?)] {
        [("search", search), ("status", status?.rawValue), ("system", system), ("flow", flow),
         ("days", days == SyncQuery.defaultDays ? nil : String(days)), ("sort", sort == .latestAttempt ? nil : sort.rawValue),
         ("dir", descending == (sort == .latestAttempt || sort == .firstAttempt) ? nil : (descending ? "desc" : "asc"))]
    }

    var link: Link { Link("/sync", parameters) }
}
