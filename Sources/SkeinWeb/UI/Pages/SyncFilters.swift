import Foundation
import SkeinCore
import SkeinOperations

/// The sync report's filters as the page shows them, its links and the resync form carry them
/// (query parameters or hidden form fields of the `SyncFilter` names). They are read by the
/// operations' one parser, so a value the report cannot take is an error on the page, never a
/// silent change (a `days` of 99 is refused, not clamped; an unknown status is refused, not dropped).
struct SyncFilters: Sendable {
    var search: String?
    /// The statuses asked for (any number at once; none means every status).
    var statuses: [SyncStatus]
    /// The one status asked for, when exactly one is.
    var status: SyncStatus? { statuses.count == 1 ? statuses[0] : nil }
    /// A from/to window (UTC dates or times) instead of `days`.
    var from: String?
    var to: String?
    var system: String?
    var flow: String?
    var days: Int
    var sort: SyncSortColumn
    var descending: Bool

    /// The filters of `parameters`, checked by `SyncFilter`.
    init(_ parameters: Inputs, now: Date) throws(OperationError) {
        let query = try SyncFilter.query(parameters, now: now)
        search = query.search
        statuses = SyncStatus.allCases.filter(query.statuses.contains)
        from = parameters.string("from")
        to = parameters.string("to")
        system = query.systems.first
        flow = query.flowIDs.first
        days = try SyncFilter.days(parameters)
        sort = query.sort
        descending = query.descending
    }

    /// The filters (and sort) as parameters, for links and hidden fields.
    var parameters: [(String, String?)] {
        [
            ("search", search), ("status", statuses.isEmpty ? nil : statuses.map(\.rawValue).joined(separator: ",")), ("system", system),
            ("flow", flow), ("from", from), ("to", to), ("days", days == SyncQuery.defaultDays ? nil : String(days)),
            ("sort", sort == .latestAttempt ? nil : sort.rawValue),
            ("order", descending == (sort == .latestAttempt || sort == .firstAttempt) ? nil : (descending ? "desc" : "asc")),
        ]
    }

    /// The same, as the operations read them.
    var operationParameters: Inputs { Inputs(pairs: parameters.compactMap { name, value in value.map { (name, $0) } }) }

    var link: Link { Link("/sync", parameters) }
}
