public import Foundation
public import SkeinJSON

/// The columns the sync report sorts by.
public enum SyncSortColumn: String, Sendable, CaseIterable {
    case id, flow, run, step, system, reference
    case sourceID = "source_id"
    case endpointID = "endpoint_id"
    case status, attempts
    case firstAttempt = "first_attempt"
    case latestAttempt = "latest_attempt"
}

/// Where the next page starts: the sort value and id of the last entry of this page.
public struct SyncCursor: Sendable, Equatable {
    public var value: JSON
    public var id: SyncEntryID

    public init(value: JSON, id: SyncEntryID) {
        self.value = value
        self.id = id
    }

    /// The cursor after `entry` in a report sorted by `sort`. Times are seconds since 1970, as
    /// both backends store them, so a cursor compares with the stored column directly.
    public init(after entry: SyncEntry, sortedBy sort: SyncSortColumn) {
        let value: JSON =
            switch sort {
            case .id: .number(Double(entry.id.rawValue))
            case .flow: .string(entry.flowID)
            case .run: .number(Double(entry.runID.rawValue))
            case .step: .string(entry.shapeID)
            case .system: .string(entry.system)
            case .reference: .string(entry.reference)
            case .sourceID: .string(entry.sourceID)
            case .endpointID: .string(entry.endpointID)
            case .status: .string(entry.status.rawValue)
            case .attempts: .number(Double(entry.attempts))
            case .firstAttempt: .number(entry.firstAttemptAt.timeIntervalSince1970)
            case .latestAttempt: .number(entry.latestAttemptAt.timeIntervalSince1970)
            }
        self.init(value: value, id: entry.id)
    }

    /// An opaque text for the CLI and APIs (`--after`).
    public var token: String { JSON.array([value, .number(Double(id.rawValue))]).serialized() }

    /// Reads a token back; nil for anything a page never handed out. Numbers must be whole ids
    /// or values within the 64-bit range, so a forged token cannot trap the conversions the
    /// backends make (`[1e300, 1e300]` is refused here, not a crash there).
    public init?(token: String) {
        guard case .array(let parts)? = try? JSON(parsing: token), parts.count == 2, case .number(let number) = parts[1],
            let id = Int64(exactly: number)
        else { return nil }
        switch parts[0] {
        case .number(let value) where value.isFinite && abs(value) < 9.2e18: break
        case .string: break
        default: return nil
        }
        self.init(value: parts[0], id: SyncEntryID(id))
    }
}

/// A filtered, sorted window of the sync report.
public struct SyncQuery: Sendable {
    /// Entries whose latest attempt is at or after this.
    public var since: Date
    public var until: Date?
    public var statuses: [SyncStatus]
    public var systems: [String]
    public var flowIDs: [String]
    /// Only the entries of this run (what `skein run` sums up when its run ends); the window
    /// still applies, so a caller starts it at the run's start.
    public var runID: RunID?
    /// A sync id (all digits), or a substring of the reference or the system.
    public var search: String?
    public var sort: SyncSortColumn
    public var descending: Bool
    public var after: SyncCursor?
    public var limit: Int

    /// The report's default window: 5 days; at most 15 may be asked for.
    public static let defaultDays = 5
    public static let maximumDays = 15

    public init(
        since: Date, until: Date? = nil, statuses: [SyncStatus] = [], systems: [String] = [], flowIDs: [String] = [],
        search: String? = nil, sort: SyncSortColumn = .latestAttempt, descending: Bool = true, after: SyncCursor? = nil,
        limit: Int = 50
    ) {
        self.since = since; self.until = until; self.statuses = statuses; self.systems = systems; self.flowIDs = flowIDs
        self.search = search; self.sort = sort; self.descending = descending; self.after = after; self.limit = limit
    }

    /// Every entry of one run written at or after `since` (its start), for counts by status.
    public static func entries(of run: RunID, since: Date) -> SyncQuery {
        var query = SyncQuery(since: since, limit: 1000)
        query.runID = run
        return query
    }
}

/// A page of entries and where the next one starts (nil on the last page).
public struct SyncPage: Sendable {
    public var entries: [SyncEntry]
    public var next: SyncCursor?

    public init(entries: [SyncEntry], next: SyncCursor?) {
        self.entries = entries
        self.next = next
    }
}
