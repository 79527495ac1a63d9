public import Foundation
public import SkeinCore
public import SkeinJSON

/// A sync report entry about to be stored: one item a send step tried to deliver, with the
/// status the engine worked out for it.
public struct NewSyncEntry: Sendable {
    public var item: SyncItem
    public var status: SyncStatus
    /// Why it has that status (the first transition's reason).
    public var reason: String
    /// When a Pending entry is next retried.
    public var nextRetryAt: Date?
    /// When it was attempted, when not the time of the store call (imports, benchmarks).
    public var attemptedAt: Date?

    public init(item: SyncItem, status: SyncStatus, reason: String, nextRetryAt: Date? = nil, attemptedAt: Date? = nil) {
        self.item = item
        self.status = status
        self.reason = reason
        self.nextRetryAt = nextRetryAt
        self.attemptedAt = attemptedAt
    }
}

/// One row of the sync report.
public struct SyncEntry: Sendable, Equatable {
    public var id: Int64
    public var flowID: String
    public var flowVersion: Int
    public var runID: Int64
    /// The id of the send step (shape) that delivers the item.
    public var shapeID: String
    public var system: String
    public var reference: String
    public var sourceID: String
    public var endpointID: String
    public var status: SyncStatus
    /// Every delivery attempt: the first, automatic retries and resyncs.
    public var attempts: Int
    /// Automatic retries since the first try or the latest manual resync.
    public var automaticRetries: Int
    public var firstAttemptAt: Date
    public var latestAttemptAt: Date
    public var nextRetryAt: Date?
    /// The latest answer, or the latest error, in a line.
    public var latestResponse: String
    public var payloadSize: Int

    public init(id: Int64, flowID: String, flowVersion: Int, runID: Int64, shapeID: String, system: String, reference: String,
                sourceID: String, endpointID: String, status: SyncStatus, attempts: Int, automaticRetries: Int, firstAttemptAt: Date,
                latestAttemptAt: Date, nextRetryAt: Date?, latestResponse: String, payloadSize: Int) {
        self.id = id; self.flowID = flowID; self.flowVersion = flowVersion; self.runID = runID; self.shapeID = shapeID
        self.system = system; self.reference = reference; self.sourceID = sourceID; self.endpointID = endpointID
        self.status = status; self.attempts = attempts; self.automaticRetries = automaticRetries
        self.firstAttemptAt = firstAttemptAt; self.latestAttemptAt = latestAttemptAt; self.nextRetryAt = nextRetryAt
        self.latestResponse = latestResponse; self.payloadSize = payloadSize
    }
}

/// One change of an entry's status, kept forever with the entry.
public struct SyncTransition: Sendable, Equatable {
    public var at: Date
    /// nil for the entry's first status.
    public var from: SyncStatus?
    public var to: SyncStatus
    public var reason: String

    public init(at: Date, from: SyncStatus?, to: SyncStatus, reason: String) {
        self.at = at; self.from = from; self.to = to; self.reason = reason
    }
}

/// The result of one more delivery attempt of an existing entry.
public struct SyncAttempt: Sendable {
    public var status: SyncStatus
    public var reason: String
    /// The destination's id for the item, when this attempt learnt it.
    public var endpointID: String?
    public var response: String
    public var nextRetryAt: Date?
    /// A resync someone asked for (resets the automatic retry count) rather than an automatic retry.
    public var manual: Bool

    public init(status: SyncStatus, reason: String, endpointID: String?, response: String, nextRetryAt: Date?, manual: Bool) {
        self.status = status; self.reason = reason; self.endpointID = endpointID; self.response = response
        self.nextRetryAt = nextRetryAt; self.manual = manual
    }
}

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
    public var id: Int64

    public init(value: JSON, id: Int64) {
        self.value = value
        self.id = id
    }

    /// The cursor after `entry` in a report sorted by `sort`. Times are seconds since 1970, as
    /// both backends store them, so a cursor compares with the stored column directly.
    public init(after entry: SyncEntry, sortedBy sort: SyncSortColumn) {
        let value: JSON = switch sort {
        case .id: .number(Double(entry.id))
        case .flow: .string(entry.flowID)
        case .run: .number(Double(entry.runID))
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
    public var token: String { JSON.array([value, .number(Double(id))]).serialized() }

    public init?(token: String) {
        guard case .array(let parts)? = try? JSON(parsing: token), parts.count == 2, case .number(let id) = parts[1] else { return nil }
        self.init(value: parts[0], id: Int64(id))
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
    /// A sync id (all digits), or a substring of the reference or the system.
    public var search: String?
    public var sort: SyncSortColumn
    public var descending: Bool
    public var after: SyncCursor?
    public var limit: Int

    /// The report's default window: 5 days; at most 15 may be asked for.
    public static let defaultDays = 5
    public static let maximumDays = 15

    public init(since: Date, until: Date? = nil, statuses: [SyncStatus] = [], systems: [String] = [], flowIDs: [String] = [],
                search: String? = nil, sort: SyncSortColumn = .latestAttempt, descending: Bool = true, after: SyncCursor? = nil,
                limit: Int = 50) {
        self.since = since; self.until = until; self.statuses = statuses; self.systems = systems; self.flowIDs = flowIDs
        self.search = search; self.sort = sort; self.descending = descending; self.after = after; self.limit = limit
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

/// Where a sync entry was sent from, for sending it again.
public struct SyncOrigin: Sendable, Equatable {
    public var flowID: String
    public var flowVersion: Int
    public var runID: Int64
    public var shapeID: String

    public init(flowID: String, flowVersion: Int, runID: Int64, shapeID: String) {
        self.flowID = flowID; self.flowVersion = flowVersion; self.runID = runID; self.shapeID = shapeID
    }
}
