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
    public var before: RunID?
    public var limit: Int

    public init(flowID: String? = nil, statuses: [RunStatus] = [], triggers: [TriggerKind] = [], since: Date? = nil, until: Date? = nil,
                hasWarnings: Bool? = nil, originRunID: RunID? = nil, before: RunID? = nil, limit: Int = 50) {
        self.flowID = flowID; self.statuses = statuses; self.triggers = triggers; self.since = since; self.until = until
        self.hasWarnings = hasWarnings; self.originRunID = originRunID; self.before = before; self.limit = limit
    }
}
