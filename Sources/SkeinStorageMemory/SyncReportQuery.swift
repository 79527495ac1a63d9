import Foundation
import SkeinCore
import SkeinJSON

/// Which entries a sync report query covers: its window, its filters and its search.
///
/// The search is what the disk backends search: a case-insensitive substring of the reference
/// (LIKE's wildcards taken literally), a system whose name contains the term, or — when the
/// term is all digits — the sync id itself.
struct SyncReportFilter {
    let since: Double
    let until: Double?
    let statuses: Set<SyncStatus>
    let systems: Set<String>
    let flowIDs: Set<String>
    let runID: RunID?
    let term: String?

    init(_ query: SyncQuery, includeStatus: Bool) {
        since = query.since.timeIntervalSince1970
        until = query.until?.timeIntervalSince1970
        statuses = includeStatus ? Set(query.statuses) : []
        systems = Set(query.systems.map { $0.lowercased() })
        flowIDs = Set(query.flowIDs)
        runID = query.runID
        let trimmed = query.search?.trimmingCharacters(in: .whitespaces) ?? ""
        term = trimmed.isEmpty ? nil : trimmed
    }

    func matches(_ entry: SyncEntry) -> Bool {
        let latest = entry.latestAttemptAt.timeIntervalSince1970
        guard latest >= since, until.map({ latest <= $0 }) ?? true else { return false }
        guard statuses.isEmpty || statuses.contains(entry.status), systems.isEmpty || systems.contains(entry.system.lowercased()),
            flowIDs.isEmpty || flowIDs.contains(entry.flowID), runID.map({ $0 == entry.runID }) ?? true
        else { return false }
        guard let term else { return true }
        let needle = term.lowercased()
        return entry.reference.lowercased().contains(needle) || entry.system.lowercased().contains(needle) || Int64(term) == entry.id.rawValue
    }
}

/// The report's order: the sort column, then the id, ascending or descending; and where a
/// keyset cursor puts an entry. Values compare as the databases compare them: numbers
/// numerically, text in byte order, any number before any text (a cursor of the wrong kind).
struct SyncReportOrder {
    let column: SyncSortColumn
    let descending: Bool

    init(_ query: SyncQuery) {
        column = query.sort
        descending = query.descending
    }

    enum Key: Comparable {
        case number(Double)
        case text([UInt8])

        static func < (lhs: Key, rhs: Key) -> Bool {
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): a < b
            case (.text(let a), .text(let b)): a.lexicographicallyPrecedes(b)
            case (.number, .text): true
            case (.text, .number): false
            }
        }
    }

    func key(_ entry: SyncEntry) -> Key {
        switch column {
        case .id: .number(Double(entry.id.rawValue))
        case .flow: .text(Array(entry.flowID.utf8))
        case .run: .number(Double(entry.runID.rawValue))
        case .step: .text(Array(entry.shapeID.utf8))
        case .system: .text(Array(entry.system.utf8))
        case .reference: .text(Array(entry.reference.utf8))
        case .sourceID: .text(Array(entry.sourceID.utf8))
        case .endpointID: .text(Array(entry.endpointID.utf8))
        case .status: .text(Array(entry.status.rawValue.utf8))
        case .attempts: .number(Double(entry.attempts))
        case .firstAttempt: .number(entry.firstAttemptAt.timeIntervalSince1970)
        case .latestAttempt: .number(entry.latestAttemptAt.timeIntervalSince1970)
        }
    }

    /// A cursor's value as the column's kind: whole numbers for the integer columns.
    func key(_ value: JSON) -> Key {
        switch value {
        case .number(let number):
            switch column {
            case .id, .run, .attempts: .number(number.rounded(.towardZero))
            default: .number(number)
            }
        case .string(let text): .text(Array(text.utf8))
        default: .text(Array(value.serialized().utf8))
        }
    }

    func precedes(_ lhs: SyncEntry, _ rhs: SyncEntry) -> Bool {
        let (a, b) = (key(lhs), key(rhs))
        if a != b { return descending ? b < a : a < b }
        return descending ? lhs.id > rhs.id : lhs.id < rhs.id
    }

    /// Whether `entry` comes after the cursor's position (`(column, id) > (value, id)`, or `<` descending).
    func isAfter(_ entry: SyncEntry, _ cursor: SyncCursor) -> Bool {
        let (a, b) = (key(entry), key(cursor.value))
        if a != b { return descending ? a < b : b < a }
        return descending ? entry.id < cursor.id : entry.id > cursor.id
    }
}
