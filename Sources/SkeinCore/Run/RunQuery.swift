public import Foundation

/// Filters for listing runs, newest first, with keyset pagination (`before` = the last id seen).
public struct RunQuery: Sendable {
    public var flowID: String?
    public var statuses: [RunStatus]
    public var triggers: [TriggerKind]
    public var since: Date?
    public var until: Date?
    public var hasWarnings: Bool?
    /// Only runs replayed or retried from this run.
    public var originRunID: RunID?
    /// Only failed runs that no later replay or retry recovered: no run replayed or retried
    /// from them (`originRunID`) succeeded. Listed together with `statuses: [.failure]`.
    public var unrecovered: Bool
    public var before: RunID?
    public var limit: Int

    public init(
        flowID: String? = nil, statuses: [RunStatus] = [], triggers: [TriggerKind] = [], since: Date? = nil, until: Date? = nil,
        hasWarnings: Bool? = nil, originRunID: RunID? = nil, unrecovered: Bool = false, before: RunID? = nil, limit: Int = 50
    ) {
        self.flowID = flowID; self.statuses = statuses; self.triggers = triggers; self.since = since; self.until = until
        self.hasWarnings = hasWarnings; self.originRunID = originRunID; self.unrecovered = unrecovered; self.before = before; self.limit = limit
    }
}
